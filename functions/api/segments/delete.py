"""DELETE /v1/segments/{id}: remove a segment (204)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content
from shared.residents import segments

api = endpoint(__name__)


@api
def delete_segment(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[None]:  # noqa: A002
    segments.delete(current_caller(), id)
    return no_content()


handler = api.handler
