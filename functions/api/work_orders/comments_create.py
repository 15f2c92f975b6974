"""POST /v1/work-orders/{id}/comments: a comment (`internal` ones are staff-only, never shown to residents)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import workorders
from shared.maintenance.schemas import CommentCreate, CommentOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def comment_work_order(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                       body: CommentCreate) -> CommentOut:
    return workorders.add_comment(current_caller(), id, body, api.meta())


handler = api.handler
