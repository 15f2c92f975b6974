"""The SLA watch (`WorkOrderSlaWatch`, hourly): an order that goes past `due_at` is mailed about once.

1. The schedule lists the communities and puts one message per community on the work-order SLA queue
   (SendMessageBatch, 10 a call): no invocation loops over every order of every community.
2. A community's message reads, per property, the open orders past `due_at` not yet noted (one index
   range each, filtered on the read) and notes each: `overdue_noted_at` set on condition of the version
   read, in one transaction with its `overdue` event and the health counters' `overdue` row change.
3. The mail goes to the assignee, or the property's managers when there is none; its id is derived from
   the order, so a redelivered message or two workers at once mail nobody twice. A missed hour is
   caught up by the next run (the read is "past due and not noted", not "went past due this hour").
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.maintenance import alerts, counters, notify, repository
from shared.maintenance.orders import OrderEvent, WorkOrder
from shared.platform import aws, clock, ids
from shared.platform.channels import Channel
from shared.platform.settings import settings

SEND_BATCH = 10


def _communities() -> list[str]:
    from shared.community import repository as communities

    found: list[str] = []
    after = None
    while True:
        items, after = communities.list_communities(limit=1000, after=after)
        found += [c.id for c in items]
        if after is None:
            return found


def schedule() -> int:
    """The scheduled entry point: one message per community; how many were queued."""
    sqs, url = aws.client("sqs"), settings().require("work_order_sla_queue_url")
    communities = _communities()
    for start in range(0, len(communities), SEND_BATCH):
        chunk = communities[start:start + SEND_BATCH]
        answer = sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": json.dumps({"community_id": cid})} for i, cid in enumerate(chunk)])
        if answer.get("Failed"):
            raise RuntimeError(f"{len(answer['Failed'])} SLA watch messages were not queued")
    return len(communities)


class CommunityMessage(BaseModel):
    """The WorkOrderSla queue's body: one community (the worker's typed SQS record model)."""

    community_id: str = Field(min_length=1)


def parse(body: str) -> str:
    return CommunityMessage.model_validate_json(body).community_id


def _recipients(order: WorkOrder) -> list[str]:
    from shared.identity import repository as identity

    if order.assignee_id:
        user = identity.get_user(order.community_id, order.assignee_id)
        if user is not None and user.status == "active":
            return [user.email]
    return alerts.managers_of(order.community_id, order.property_id)


def _mails(order: WorkOrder) -> list[notify.Outgoing]:
    text = (f"Work order #{order.number} ({order.title}) is past its deadline: it was due "
            f"{order.due_at:%Y-%m-%d %H:%M} UTC and is still {str(order.status).replace('_', ' ')}.\n"
            f"Priority: {order.priority}. Work order id: {order.id}\n")
    return [notify.Outgoing(id=ids.derived(order.community_id, order.id, "overdue", email),
                            channel=Channel.EMAIL, to=email, subject=f"Overdue work order #{order.number}",
                            text=text, kind="work_order_overdue", work_order_id=order.id)
            for email in _recipients(order)]


def _snapshot(order: WorkOrder) -> counters.OrderSnapshot:
    return counters.OrderSnapshot(id=order.id, category=order.category, priority=order.priority,
                                  status=order.status, created_at=order.created_at,
                                  went_overdue=order.overdue_noted_at is not None)


def watch_community(community_id: str, at: datetime | None = None) -> int:
    """Note and mail every order of the community that went past due; how many were noted now."""
    from shared.community import repository as communities
    from shared.properties import repository as properties

    now = at or clock.now()
    community = communities.get_community(community_id)
    zone = community.timezone if community is not None and community.timezone else "UTC"
    noted = 0
    for property_id in properties.property_ids(community_id):
        for order in repository.overdue_unnoted(community_id, property_id, now):
            after = order.model_copy(update={"overdue_noted_at": now, "version": order.version + 1})
            mails = _mails(after)
            event = OrderEvent(id=ids.new_id(), work_order_id=order.id, kind="overdue", at=now,
                               detail={"due_at": order.due_at.isoformat(), "mails": len(mails)},
                               message_ids=[m.id for m in mails])
            try:
                repository.save(order, after, [event], counters.delta(_snapshot(order), _snapshot(after), zone))
            except repository.Stale:
                continue  # changed meanwhile (moved, or noted by another worker): the next run looks again
            notify.send(community_id, mails)
            noted += 1
    return noted


def handle(body: str, at: datetime | None = None) -> dict[str, Any]:
    community_id = parse(body)
    return {"community_id": community_id, "noted": watch_community(community_id, at)}
