"""PATCH /v1/templates/{id}: edit the given fields; the version increments (409 while in use)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.templates import service
from shared.templates.schemas import TemplateOut, TemplateUpdate

api = endpoint(__name__)


@api
def update_template(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                    body: TemplateUpdate) -> TemplateOut:
    return service.update(current_caller(), id, body)


handler = api.handler
