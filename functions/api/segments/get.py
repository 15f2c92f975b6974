"""GET /v1/segments/{id}: one segment."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import segments
from shared.residents.schemas import SegmentOut

api = endpoint(__name__)


@api
def get_segment(id: Annotated[str, Path(min_length=1, max_length=64)]) -> SegmentOut:  # noqa: A002
    return segments.detail(current_caller(), id)


handler = api.handler
