"""DELETE /v1/properties/{id}: delete a property without units (204; 409 while it has units)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content
from shared.properties import service

api = endpoint(__name__)


@api
def delete_property(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[None]:  # noqa: A002
    service.delete_property(current_caller(), id, api.meta())
    return no_content()


handler = api.handler
