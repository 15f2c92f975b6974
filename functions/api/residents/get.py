"""GET /v1/residents/{id}: one resident (404 when it is not this community's)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import service
from shared.residents.schemas import ResidentOut

api = endpoint(__name__)


@api
def get_resident(id: Annotated[str, Path(min_length=1, max_length=64)]) -> ResidentOut:  # noqa: A002
    return service.detail(current_caller(), id)


handler = api.handler
