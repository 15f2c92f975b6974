"""POST /v1/templates/{id}/preview: the template rendered with given variables or a resident's."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.templates import service
from shared.templates.schemas import PreviewOut, PreviewRequest

api = endpoint(__name__)


@api
def preview_template(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                     body: PreviewRequest) -> PreviewOut:
    return service.preview(current_caller(), id, body)


handler = api.handler
