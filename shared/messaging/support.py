"""Platform support: a super admin reads and retries any community's messages (`/v1/admin/...`).

The super admin acts inside the named community with the same use cases as its own staff; every
retry lands in that community's audit trail with the super admin as the actor.
"""

from __future__ import annotations

from shared.community import repository as communities
from shared.messaging import service
from shared.messaging.models import MessageStatus
from shared.messaging.schemas import MessageList, Queued, Requeued
from shared.platform.channels import Channel
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import NotFound


def acting_in(caller: Caller, community_id: str) -> Caller:
    """The super admin, scoped to `community_id` (404 when there is no such community)."""
    if communities.get_community(community_id) is None:
        raise NotFound("No such community.")
    return Caller(user_id=caller.user_id, community_id=community_id, role=caller.role, session_id=caller.session_id,
                  scope=caller.scope)


def list_messages(caller: Caller, community_id: str, *, status: MessageStatus | None, channel: Channel | None,
                  campaign_id: str | None, limit: int, after: str | None) -> MessageList:
    return service.list_messages(acting_in(caller, community_id), status=status, channel=channel,
                                 campaign_id=campaign_id, limit=limit, after=after)


def retry_failed(caller: Caller, community_id: str, campaign_id: str | None, meta: RequestMeta) -> Requeued:
    return service.retry_failed(acting_in(caller, community_id), campaign_id, meta)


def retry(caller: Caller, community_id: str, message_id: str, meta: RequestMeta) -> Queued:
    return service.retry(acting_in(caller, community_id), message_id, meta)
