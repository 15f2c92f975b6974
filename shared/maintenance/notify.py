"""The mail and SMS work orders send, through the outbox, each exactly once.

A message's id is derived from what it is about (the order event or alert, and the recipient), so
sending it again (a retried request, a redelivered job) finds the message already recorded and
records nothing new (`messaging.service.record_once`: the create is conditional on the id being new, and a
message recorded but never queued is queued then). Everything here is
transactional mail (no marketing opt-out), and like every message it never reaches an address that
bounced or complained.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.messaging.models import Message, MessageEvent, MessageStatus
from shared.messaging.service import record_once
from shared.platform import clock
from shared.platform.channels import Category, Channel
from shared.platform.text import one_line


@dataclass(frozen=True)
class Outgoing:
    id: str
    channel: Channel
    to: str
    text: str
    subject: str | None = None
    kind: str = "work_order"  # recorded on the message's first event
    work_order_id: str | None = None
    resident_id: str | None = None


def send(community_id: str, outgoing: list[Outgoing]) -> list[str]:
    """Record and queue each message not recorded before (`record_once`); every id, in order."""
    now = clock.iso()
    record_once([Message(
        id=out.id, community_id=community_id, channel=out.channel, category=Category.TRANSACTIONAL,
        to=out.to.lower() if out.channel is Channel.EMAIL else out.to, status=MessageStatus.QUEUED,
        resident_id=out.resident_id, subject=one_line(out.subject) if out.subject else None, text=out.text,
        created_at=now, updated_at=now,
        events=[MessageEvent(type="queued", at=now, detail={"kind": out.kind, "related": "work_order",
                                                            "work_order_id": out.work_order_id or ""})])
        for out in outgoing])
    return [o.id for o in outgoing]
