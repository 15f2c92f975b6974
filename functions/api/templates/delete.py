"""DELETE /v1/templates/{id}: remove a template (409 while a scheduled campaign uses it)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content
from shared.templates import service

api = endpoint(__name__)


@api
def delete_template(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[None]:  # noqa: A002
    service.delete(current_caller(), id)
    return no_content()


handler = api.handler
