"""GET /v1/segments/{id}/preview: how many residents the segment selects now, and a sample of them."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import segments
from shared.residents.schemas import SegmentPreview

api = endpoint(__name__)


@api
def preview_segment(id: Annotated[str, Path(min_length=1, max_length=64)]) -> SegmentPreview:  # noqa: A002
    return segments.preview(current_caller(), id)


handler = api.handler
