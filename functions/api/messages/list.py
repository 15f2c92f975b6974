"""GET /v1/messages: the community's messages by status, channel, campaign, resident or related thing.

A resident user (owner/tenant) gets their own messages only, through the same filters."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.messaging import service
from shared.messaging.models import MessageStatus
from shared.messaging.schemas import RELATED_QUERY, MessageList, Related
from shared.platform.channels import Channel
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_messages(
    status: Annotated[MessageStatus | None, Query()] = None,
    channel: Annotated[Channel | None, Query()] = None,
    campaign_id: Annotated[str | None, Query(max_length=64)] = None,
    resident_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    related: Annotated[str | None, Query(max_length=80, pattern=RELATED_QUERY.pattern)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MessageList:
    return service.list_messages(current_caller(), status=status, channel=channel, campaign_id=campaign_id,
                                 resident_id=resident_id, related=Related.parse(related), limit=limit,
                                 after=cursor)


handler = api.handler
