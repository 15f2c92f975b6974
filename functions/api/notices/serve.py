"""POST /v1/notices/{id}/serve: see shared.notices_service.service.serve."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.notices_service import serving
from shared.notices_service.schemas import NoticeOut, ServeIn
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def serve_notice(id: Annotated[str, Path(min_length=1, max_length=64)], body: ServeIn) -> NoticeOut:  # noqa: A002
    return serving.serve(current_caller(), id, body, api.meta())


handler = api.handler
