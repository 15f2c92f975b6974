"""POST /v1/messages/retry-failed: requeue every failed message, or a campaign's."""

from shared.messaging import service
from shared.messaging.schemas import Requeued, RetryFailed
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def retry_failed(body: RetryFailed) -> Requeued:
    return service.retry_failed(current_caller(), body.campaign_id, api.meta())


handler = api.handler
