"""GET /v1/work-orders/{id}/comments: the order's comments, oldest first (internal ones for staff only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import workorders
from shared.maintenance.schemas import CommentList
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def work_order_comments(id: Annotated[str, Path(min_length=1, max_length=64)]) -> CommentList:  # noqa: A002
    return workorders.comments(current_caller(), id)


handler = api.handler
