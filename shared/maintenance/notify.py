"""The mail and SMS work orders send, through the outbox, each exactly once.

A message's id is derived from what it is about (the order event or alert, and the recipient), so
sending it again (a retried request, a redelivered job) finds the message already recorded and
queues nothing: `repository.create` is conditional on the id being new. Everything here is
transactional mail (no marketing opt-out), and like every message it never reaches an address that
bounced or complained.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import PutError

from shared.messaging import repository
from shared.messaging.models import Message, MessageEvent, MessageStatus
from shared.messaging.service import enqueue_or_fail
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
    """Record and queue each message not recorded before; every id (new or not) in order."""
    now = clock.iso()
    fresh: list[Message] = []
    for out in outgoing:
        message = Message(
            id=out.id, community_id=community_id, channel=out.channel, category=Category.TRANSACTIONAL,
            to=out.to.lower() if out.channel is Channel.EMAIL else out.to, status=MessageStatus.QUEUED,
            resident_id=out.resident_id, subject=one_line(out.subject) if out.subject else None, text=out.text,
            created_at=now, updated_at=now,
            events=[MessageEvent(type="queued", at=now, detail={"kind": out.kind, "related": "work_order",
                                                                "work_order_id": out.work_order_id or ""})])
        try:
            repository.create(message)
        except PutError:  # recorded (and queued) by an earlier attempt
            continue
        fresh.append(message)
    if fresh:
        enqueue_or_fail(fresh)
    return [o.id for o in outgoing]
