"""POST /v1/messages/{id}/retry: requeue one failed message (409 if its recipient is suppressed)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.messaging import service
from shared.messaging.schemas import Queued
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def retry_message(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Queued:  # noqa: A002
    return service.retry(current_caller(), id, api.meta())


handler = api.handler
