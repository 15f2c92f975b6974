"""PATCH /v1/units/{id}: relabel a unit or change its details."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import UnitOut, UnitUpdate

api = endpoint(__name__)


@api
def update_unit(id: Annotated[str, Path(min_length=1, max_length=64)], body: UnitUpdate) -> UnitOut:  # noqa: A002
    return service.update_unit(current_caller(), id, body, api.meta())


handler = api.handler
