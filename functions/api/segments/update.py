"""PATCH /v1/segments/{id}: rename, describe or refilter a segment."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import segments
from shared.residents.schemas import SegmentOut, SegmentUpdate

api = endpoint(__name__)


@api
def update_segment(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                   body: SegmentUpdate) -> SegmentOut:
    return segments.update(current_caller(), id, body)


handler = api.handler
