"""Outbox storage. Every status change is one conditional update that also appends its event,
so the status and its history never disagree, and a stale writer cannot move a message back."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from shared.messaging.items import EventMap, MessageItem
from shared.messaging.models import (
    RANK,
    Category,
    Channel,
    Message,
    MessageEvent,
    MessageStatus,
)
from shared.platform import clock, db, keys


def _message(item: MessageItem) -> Message:
    return Message(
        id=item.id, community_id=item.community_id, channel=Channel(item.channel),
        category=Category(item.category), to=item.to, status=MessageStatus(item.status),
        attempts=int(item.attempts), template_id=item.template_id,
        template_version=int(item.template_version) if item.template_version is not None else None,
        campaign_id=item.campaign_id, resident_id=item.resident_id, subject=item.subject, html=item.html,
        text=item.text, last_error=item.last_error, provider_message_id=item.provider_message_id,
        opened_at=item.opened_at, clicked_at=item.clicked_at, created_at=item.created_at,
        updated_at=item.updated_at,
        events=[MessageEvent(type=e.type, at=e.at, detail=json.loads(e.detail or "{}")) for e in item.events or []],
    )


def _event(kind: str, detail: dict[str, Any] | None = None, at: str | None = None) -> EventMap:
    return EventMap(type=kind, at=at or clock.iso(), detail=json.dumps(detail or {}, default=str)[:4000])


def _append_event(event: EventMap) -> Any:
    return MessageItem.events.set(MessageItem.events.append([event]))


def _conditional_failed(error: UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


def new_item(message: Message) -> MessageItem:
    pk, sk = keys.message(message.community_id, message.id)
    return MessageItem(
        pk, sk,
        id=message.id, community_id=message.community_id, channel=str(message.channel),
        category=str(message.category), to=message.to, status=str(message.status), attempts=message.attempts,
        template_id=message.template_id, template_version=message.template_version,
        campaign_id=message.campaign_id, resident_id=message.resident_id, subject=message.subject,
        html=message.html, text=message.text, created_at=message.created_at, updated_at=message.updated_at,
        events=[_event(e.type, e.detail, e.at) for e in message.events],
        gsi1pk=keys.messages_by_status(message.community_id, str(message.status)), gsi1sk=message.id,
    )


def create(message: Message) -> None:
    db.bind()
    new_item(message).save(condition=MessageItem.pk.does_not_exist())


def get(community_id: str, message_id: str) -> Message | None:
    db.bind()
    try:
        return _message(MessageItem.get(*keys.message(community_id, message_id), consistent_read=True))
    except DoesNotExist:
        return None


def list_by_status(
    community_id: str, status: MessageStatus, *, limit: int, after: dict[str, Any] | None,
    filter_condition: Condition | None = None,
) -> tuple[list[Message], dict[str, Any] | None]:
    db.bind()
    result = MessageItem.gsi1.query(
        keys.messages_by_status(community_id, str(status)), limit=limit, last_evaluated_key=after,
        scan_index_forward=False, filter_condition=filter_condition,
    )
    return [_message(i) for i in result if isinstance(i, MessageItem)], result.last_evaluated_key


def list_all(
    community_id: str, *, limit: int, after: dict[str, Any] | None, filter_condition: Condition | None = None,
) -> tuple[list[Message], dict[str, Any] | None]:
    db.bind()
    result = MessageItem.query(
        keys.community_pk(community_id), MessageItem.sk.startswith("MSG#"), limit=limit,
        last_evaluated_key=after, scan_index_forward=False, filter_condition=filter_condition,
    )
    return [_message(i) for i in result], result.last_evaluated_key


def _update(message: Message, actions: list[Any], condition: Condition) -> bool:
    db.bind()
    item = MessageItem(*keys.message(message.community_id, message.id))
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def _status_actions(community_id: str, status: MessageStatus) -> list[Any]:
    return [
        MessageItem.status.set(str(status)),
        MessageItem.gsi1pk.set(keys.messages_by_status(community_id, str(status))),
        MessageItem.updated_at.set(clock.iso()),
    ]


def claim(message: Message, claim_id: str) -> bool:
    """queued → sending, one attempt more; False if someone else holds it or it moved on.

    This conditional write happens before any provider call: a redelivered SQS message, a duplicate
    or a retried invocation finds the message no longer `queued` and sends nothing.
    """
    actions = [*_status_actions(message.community_id, MessageStatus.SENDING),
               MessageItem.attempts.add(1), MessageItem.claim.set(claim_id),
               _append_event(_event("attempt", {"attempt": message.attempts + 1}))]
    return _update(message, actions, MessageItem.status == str(MessageStatus.QUEUED))


def release(message: Message, claim_id: str, error: str, *, retry_in_s: int) -> bool:
    """sending → queued after the provider refused for now (throttled, 5xx): nothing was sent."""
    actions = [*_status_actions(message.community_id, MessageStatus.QUEUED), MessageItem.claim.remove(),
               MessageItem.last_error.set(error[:500]),
               _append_event(_event("retry_scheduled", {"error": error[:500], "in_s": retry_in_s}))]
    return _update(message, actions, (MessageItem.claim == claim_id) & (MessageItem.status == "sending"))


def mark_sent(message: Message, claim_id: str, provider_message_id: str) -> bool:
    actions = [*_status_actions(message.community_id, MessageStatus.SENT), MessageItem.claim.remove(),
               MessageItem.provider_message_id.set(provider_message_id),
               _append_event(_event("sent", {"provider_message_id": provider_message_id}))]
    # The provider's own `Send` notification may have got here first: then this is a no-op.
    return _update(message, actions, (MessageItem.claim == claim_id) & (MessageItem.status == "sending"))


def finish(message: Message, status: MessageStatus, reason: str, *, from_statuses: tuple[MessageStatus, ...],
           claim_id: str | None = None) -> bool:
    """Move to a terminal status (failed, suppressed) with the reason, from the given statuses."""
    actions = [*_status_actions(message.community_id, status), MessageItem.claim.remove(),
               MessageItem.last_error.set(reason[:500]),
               _append_event(_event(str(status), {"reason": reason[:500]}))]
    condition = MessageItem.status.is_in(*[str(s) for s in from_statuses])
    if claim_id is not None:
        condition = condition & (MessageItem.claim == claim_id)
    return _update(message, actions, condition)


def requeue(message: Message, reason: str) -> bool:
    """failed → queued (an admin's retry); attempts start again."""
    actions = [*_status_actions(message.community_id, MessageStatus.QUEUED), MessageItem.attempts.set(0),
               MessageItem.last_error.remove(), MessageItem.claim.remove(),
               _append_event(_event("requeued", {"reason": reason}))]
    return _update(message, actions, MessageItem.status == str(MessageStatus.FAILED))


def advance(message: Message, status: MessageStatus | None, event: MessageEvent, *,
            provider_message_id: str | None = None, first_of: str | None = None) -> bool:
    """Record a provider event; move the status only forward (by rank).

    `first_of` ("opened_at"/"clicked_at") stamps that attribute only if it was never set.
    Returns False when the event changed nothing but history (older status, repeated open).
    """
    actions: list[Any] = [_append_event(_event(event.type, event.detail, event.at)),
                          MessageItem.updated_at.set(clock.iso())]
    condition: Condition = MessageItem.pk.exists()
    moved = False
    if status is not None and RANK[status] > RANK[message.status]:
        actions += _status_actions(message.community_id, status)[:2] + [MessageItem.claim.remove()]
        lower = [str(s) for s, rank in RANK.items() if rank < RANK[status]]
        condition = condition & MessageItem.status.is_in(*lower)
        moved = True
    if provider_message_id:
        actions.append(MessageItem.provider_message_id.set(provider_message_id))
    if first_of == "opened_at" and message.opened_at is None:
        actions.append(MessageItem.opened_at.set(event.at))
        condition = condition & MessageItem.opened_at.does_not_exist()
        moved = True
    if first_of == "clicked_at" and message.clicked_at is None:
        actions.append(MessageItem.clicked_at.set(event.at))
        condition = condition & MessageItem.clicked_at.does_not_exist()
        moved = True
    if _update(message, actions, condition):
        return moved
    # Lost a race (another event moved it): record the event alone, never the stale status.
    _update(message, actions[:2], MessageItem.pk.exists())
    return False
