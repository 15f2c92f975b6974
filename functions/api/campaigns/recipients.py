"""GET /v1/campaigns/{id}/recipients: the campaign's messages (one per recipient), by status."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.campaigns import service
from shared.messaging.models import MessageStatus
from shared.messaging.schemas import MessageList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def campaign_recipients(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    status: Annotated[MessageStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MessageList:
    return service.recipients(current_caller(), id, status=status, limit=limit, after=cursor)


handler = api.handler
