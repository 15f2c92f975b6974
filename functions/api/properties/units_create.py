"""POST /v1/properties/{id}/units: add a unit (201; 409 when its label is taken in the property)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import UnitCreate, UnitOut

api = endpoint(__name__)


@api
def create_unit(id: Annotated[str, Path(min_length=1, max_length=64)], body: UnitCreate) -> UnitOut:  # noqa: A002
    return service.create_unit(current_caller(), id, body, api.meta())


handler = api.handler
