"""GET /v1/notices/{id}: one notice with its checks and reminders."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.notices_service import service
from shared.notices_service.schemas import NoticeOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_notice(id: Annotated[str, Path(min_length=1, max_length=64)]) -> NoticeOut:  # noqa: A002
    return service.get(current_caller(), id)


handler = api.handler
