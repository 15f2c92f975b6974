"""The suppressions API: an admin lists, adds and lifts entries of their own community.

The community is always the caller's (from the verified token), so another community's entry
is simply absent. Adding and lifting are audited: lifting one re-enables sending to a person
who may have asked not to be contacted.
"""

from __future__ import annotations

from shared.audit.events import AuditEvent, publish
from shared.platform import cursor
from shared.platform.channels import Channel
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import NotFound
from shared.platform.masking import mask_address
from shared.suppression import repository, service
from shared.suppression.models import Reason, Suppression
from shared.suppression.schemas import SuppressionCreate, SuppressionList, SuppressionOut


def suppression_out(entry: Suppression) -> SuppressionOut:
    return SuppressionOut(channel=entry.channel, address=entry.address, reason=entry.reason, source=entry.source,
                          created_at=entry.created_at)


def audit(action: str, community_id: str, meta: RequestMeta, *, actor: str | None, channel: Channel,
          address: str, **detail: object) -> None:
    """One audit event about an address; the trail keeps it masked, like every other address."""
    publish(AuditEvent(community_id=community_id, action=action, actor_id=actor, target=mask_address(address),
                       ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail={"channel": str(channel), **detail}))


def list_suppressions(caller: Caller, *, channel: Channel | None, limit: int, after: str | None) -> SuppressionList:
    start = cursor.decode(caller.community_id, after)
    items, last = repository.list_page(caller.community_id, channel=channel, limit=limit, after=start)
    return SuppressionList(items=[suppression_out(s) for s in items],
                           next_cursor=cursor.encode(caller.community_id, last))


def create(caller: Caller, request: SuppressionCreate, meta: RequestMeta) -> SuppressionOut:
    """Suppress by hand; an entry with a stronger reason (a bounce, say) is kept and returned."""
    entry = service.add(caller.community_id, request.channel, request.address, Reason.MANUAL,
                        source=f"api:{caller.user_id}")
    audit("suppression.added", caller.community_id, meta, actor=caller.user_id, channel=request.channel,
          address=entry.address, reason=str(entry.reason))
    return suppression_out(entry)


def delete(caller: Caller, channel: Channel, address: str, meta: RequestMeta) -> None:
    existing = repository.get(caller.community_id, channel, service.normalise(channel, address))
    if existing is None or not service.remove(caller.community_id, channel, address):
        raise NotFound()
    audit("suppression.removed", caller.community_id, meta, actor=caller.user_id, channel=channel,
          address=existing.address, reason=str(existing.reason))
