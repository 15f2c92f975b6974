"""GET /v1/properties/{id}: one property (404 outside the caller's scope)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import PropertyOut

api = endpoint(__name__)


@api
def get_property(id: Annotated[str, Path(min_length=1, max_length=64)]) -> PropertyOut:  # noqa: A002
    return service.get_property(current_caller(), id)


handler = api.handler
