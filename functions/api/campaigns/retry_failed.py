"""POST /v1/campaigns/{id}/retry-failed: requeue the campaign's failed messages (audited)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.campaigns import service
from shared.messaging.schemas import Requeued
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def retry_failed(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Requeued:  # noqa: A002
    return service.retry_failed(current_caller(), id, api.meta())


handler = api.handler
