"""POST /v1/work-orders/{id}/attachments: announce a photo or video; 201 with it and the presigned POST."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import attachments
from shared.maintenance.schemas import AttachmentCreate, AttachmentCreated
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def attach_to_work_order(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                         body: AttachmentCreate) -> AttachmentCreated:
    return attachments.announce(current_caller(), id, body, api.meta())


handler = api.handler
