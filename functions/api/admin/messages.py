"""GET /v1/admin/communities/{id}/messages?status=failed: any community's messages (super admin)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.messaging import support
from shared.messaging.models import MessageStatus
from shared.messaging.schemas import MessageList
from shared.platform.channels import Channel
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def community_messages(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    status: Annotated[MessageStatus | None, Query()] = None,
    channel: Annotated[Channel | None, Query()] = None,
    campaign_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MessageList:
    return support.list_messages(current_caller(), id, status=status, channel=channel, campaign_id=campaign_id,
                                 limit=limit, after=cursor)


handler = api.handler
