"""POST /v1/segments: save a named resident filter (201)."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import segments
from shared.residents.schemas import SegmentCreate, SegmentOut

api = endpoint(__name__)


@api
def create_segment(body: SegmentCreate) -> SegmentOut:
    return segments.create(current_caller(), body)


handler = api.handler
