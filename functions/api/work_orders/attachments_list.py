"""GET /v1/work-orders/{id}/attachments: the order's photos and videos, oldest first, with their status."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import attachments
from shared.maintenance.schemas import AttachmentList
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def work_order_attachments(id: Annotated[str, Path(min_length=1, max_length=64)]) -> AttachmentList:  # noqa: A002
    return attachments.list_of(current_caller(), id)


handler = api.handler
