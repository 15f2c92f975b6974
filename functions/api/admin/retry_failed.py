"""POST /v1/admin/communities/{id}/messages/retry-failed: requeue a community's failed messages."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.messaging import support
from shared.messaging.schemas import Requeued, RetryFailed
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def retry_community_failed(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                           body: RetryFailed) -> Requeued:
    return support.retry_failed(current_caller(), id, body.campaign_id, api.meta())


handler = api.handler
