"""POST /v1/notices/{id}/documents: link an uploaded asset (e.g. the signed LTB form) to a notice, any status."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.notices_service import service
from shared.notices_service.schemas import DocumentIn, NoticeOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def link_notice_document(id: Annotated[str, Path(min_length=1, max_length=64)], body: DocumentIn) -> NoticeOut:  # noqa: A002
    return service.link_document(current_caller(), id, body, api.meta())


handler = api.handler
