"""POST /v1/notices/{id}/complete: see shared.notices_service.service.complete."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.notices_service import service
from shared.notices_service.schemas import CompleteIn, NoticeOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def complete_notice(id: Annotated[str, Path(min_length=1, max_length=64)], body: CompleteIn) -> NoticeOut:  # noqa: A002
    return service.complete(current_caller(), id, body, api.meta())


handler = api.handler
