"""Outbox storage. Every status change is one conditional write that also appends its event,
so the status and its history never disagree, and a stale writer cannot move a message back.

A change that moves a message between report buckets (`shared.messaging.counters`) is a
transaction with the counter deltas of its campaign and its day, so reports never drift.
The batch operations (`get_many`, `create_many`, `claim_many`, `settle_many`) serve campaign
chunks: 100 messages are claimed in one call and settled in one call, not 200.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from shared.messaging import counters
from shared.messaging.counters import CountersItem
from shared.messaging.items import EventMap, MessageAboutItem, MessageItem
from shared.messaging.models import MAX_ATTEMPTS, RANK, Message, MessageEvent, MessageStatus
from shared.platform import clock, db, keys
from shared.platform.channels import Channel
from shared.platform.mapping import to_item, to_model


def _ids(item: MessageItem) -> tuple[str, str]:
    """(community id, message id) from the item's keys (`C#{community}`, `MSG#{id}`)."""
    return str(item.pk).split("#", 1)[1], str(item.sk).removeprefix("MSG#")


def _history(item: MessageItem, community_id: str, message_id: str) -> list[MessageEvent]:
    """The stored events, with what routine ones leave out derived: a campaign recipient's `queued` (its
    creation), an `attempt`'s ordinal, a `sent` event's provider id."""
    history: list[MessageEvent] = []
    stored = list(item.events or [])
    if item.campaign_id and not any(e.type == "queued" for e in stored):
        history.append(MessageEvent(type="queued", at=item.created_at, detail={"campaign_id": item.campaign_id}))
    attempt = 0
    for e in stored:
        if e.detail is not None:
            detail = json.loads(e.detail or "{}")
        elif e.type == "attempt":
            detail = {"attempt": attempt + 1}
        elif e.type == "sent":
            detail = {"provider_message_id": item.provider_message_id}
        else:
            detail = {}
        attempt += e.type == "attempt"
        history.append(MessageEvent(type=e.type, at=e.at, detail=detail))
    return history


def _message(item: MessageItem) -> Message:
    community_id, message_id = _ids(item)
    return to_model(Message, item, ordered_json=("variables",), json_fields=("attachments",), id=message_id,
                    community_id=community_id, events=_history(item, community_id, message_id))


def _event(kind: str, detail: dict[str, Any] | None = None, at: str | None = None) -> EventMap:
    """An event to store; `detail=None` leaves it out (routine events whose detail `_history` derives)."""
    return EventMap(type=kind, at=at or clock.iso(),
                    detail=json.dumps(detail, default=str)[:4000] if detail is not None else None)


def _append_event(event: EventMap) -> Any:
    return MessageItem.events.set((MessageItem.events | []).append([event]))


def _conditional_failed(error: UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


def new_item(message: Message) -> MessageItem:
    """The item of a new message: ids only in its keys, routine events without what `_history` derives
    (a recipient's `queued`), no attachments attribute when there are none (a message item stays < 1 KB)."""
    return to_item(
        MessageItem, message, keys.message(message.community_id, message.id), ordered_json=("variables",),
        exclude=("id", "community_id", "attachments", "events"),
        attachments=json.dumps([a.model_dump() for a in message.attachments]) if message.attachments else None,
        events=[_event(e.type, e.detail, e.at) for e in message.events
                if not (e.type == "queued" and message.campaign_id)],
        gsi1pk=keys.messages_by_status(message.community_id, str(message.status)), gsi1sk=message.id,
        # GSI2: the resident's messages, newest first, for the portal and `?resident_id=` (issue 12).
        gsi2pk=keys.messages_of_resident(message.community_id, message.resident_id) if message.resident_id else None,
        gsi2sk=f"{message.created_at}#{message.id}" if message.resident_id else None,
    )


def _about_item(message: Message) -> MessageAboutItem:
    assert message.related is not None
    pk, sk = keys.message_about(message.community_id, message.related, message.id)
    return MessageAboutItem(pk, sk, message_id=message.id, resident_id=message.resident_id)


# --- transactions with counters ------------------------------------------------------------------

TRANSACTION_MAX = 100  # DynamoDB's items per TransactWriteItems
_CONFLICT_RETRIES = 6
_CONDITION_FAILED = "ConditionalCheckFailed"


class Cancelled(Exception):
    """A transaction's conditions failed: `positions` are the failed items' places in it."""

    def __init__(self, positions: set[int]) -> None:
        super().__init__(f"{len(positions)} condition(s) failed")
        self.positions = positions


def transact(build: Callable[[TransactWrite], None]) -> None:
    """Run a transaction; retry it when it only lost a race with another one on a counter item
    (TransactionConflict), raise `Cancelled` naming the items whose own condition failed."""
    for attempt in range(_CONFLICT_RETRIES):
        try:
            with TransactWrite(connection=db.connection()) as tx:
                build(tx)
            return
        except TransactWriteError as error:
            reasons = list(error.cancellation_reasons or [])
            failed = {i for i, r in enumerate(reasons) if r is not None and r.code == _CONDITION_FAILED}
            if failed:
                raise Cancelled(failed) from error
            if attempt == _CONFLICT_RETRIES - 1 or not any(r is not None for r in reasons):
                raise
            time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # noqa: S311 - jitter, not a secret


def _add_counters(tx: TransactWrite, deltas: Mapping[tuple[tuple[str, str], bool], Mapping[str, int]]) -> None:
    for (key, daily), delta in deltas.items():
        actions = counters.add_actions(delta)
        if daily:  # made by its first update: give it its type so it reads back as a CountersItem
            actions.append(CountersItem.type.set(CountersItem))
        tx.update(CountersItem(*key), actions=actions)


def _apply(message: Message, actions: list[Any], condition: Condition, delta: Mapping[str, int]) -> bool:
    """One message's conditional update, with its counter delta in the same transaction if any."""
    grouped = counters.grouped([(message, delta)])
    if not grouped:
        return _update(message, actions, condition)
    db.bind()
    def build(tx: TransactWrite) -> None:
        tx.update(MessageItem(*keys.message(message.community_id, message.id)), actions=actions, condition=condition)
        _add_counters(tx, grouped)

    try:
        transact(build)
    except Cancelled:
        return False
    return True


def create(message: Message) -> None:
    """Record a new message (counted as a recipient of its day, and of its campaign if any)."""
    db.bind()
    item = new_item(message)
    grouped = counters.grouped([(message, counters.created(1, message.status))])
    def build(tx: TransactWrite) -> None:
        tx.save(item, condition=MessageItem.pk.does_not_exist())
        if message.related is not None:
            tx.save(_about_item(message))
        _add_counters(tx, grouped)

    try:
        transact(build)
    except Cancelled as error:
        raise PutError("the message exists already") from error


def create_many(messages: Sequence[Message]) -> None:
    """Write many new messages with BatchWriteItem (25 a call; unprocessed items retried).

    Unconditional puts, so only for messages no worker can have seen yet (a campaign's fan-out,
    before it enqueues them); their counters are added by the caller when it enqueues them.
    """
    db.bind()
    with MessageItem.batch_write() as batch:
        for message in messages:
            batch.save(new_item(message))


def get_many(community_id: str, message_ids: Iterable[str], *, without_events: bool = False) -> dict[str, Message]:
    """Strongly consistent BatchGetItem, 100 keys a call; missing ids are absent from the answer.
    `without_events` leaves the history out (what delivery reads: it only appends to it)."""
    db.bind()
    wanted = [keys.message(community_id, mid) for mid in dict.fromkeys(message_ids)]
    attributes = [a for a in MessageItem.get_attributes() if a != "events"] if without_events else None
    found: dict[str, Message] = {}
    for item in MessageItem.batch_get(wanted, consistent_read=True, attributes_to_get=attributes):
        message = _message(item)
        found[message.id] = message
    return found


def get(community_id: str, message_id: str) -> Message | None:
    db.bind()
    try:
        return _message(MessageItem.get(*keys.message(community_id, message_id), consistent_read=True))
    except DoesNotExist:
        return None


def _only(*, status: MessageStatus | None = None, channel: Channel | None = None,
          campaign_id: str | None = None) -> Condition | None:
    """The filter of a listing (None: everything the key range holds)."""
    condition: Condition | None = None
    for wanted in ((MessageItem.status == str(status)) if status is not None else None,
                   (MessageItem.channel == str(channel)) if channel is not None else None,
                   (MessageItem.campaign_id == campaign_id) if campaign_id is not None else None):
        if wanted is not None:
            condition = wanted if condition is None else condition & wanted
    return condition


def list_by_status(
    community_id: str, status: MessageStatus, *, limit: int, after: dict[str, Any] | None,
    channel: Channel | None = None, campaign_id: str | None = None,
) -> tuple[list[Message], dict[str, Any] | None]:
    db.bind()
    result = MessageItem.gsi1.query(
        keys.messages_by_status(community_id, str(status)), limit=limit, last_evaluated_key=after,
        scan_index_forward=False, filter_condition=_only(channel=channel, campaign_id=campaign_id),
    )
    return [_message(i) for i in result if isinstance(i, MessageItem)], result.last_evaluated_key


def list_all(
    community_id: str, *, limit: int, after: dict[str, Any] | None, channel: Channel | None = None,
    campaign_id: str | None = None,
) -> tuple[list[Message], dict[str, Any] | None]:
    db.bind()
    result = MessageItem.query(
        keys.community_pk(community_id), MessageItem.sk.startswith("MSG#"), limit=limit,
        last_evaluated_key=after, scan_index_forward=False,
        filter_condition=_only(channel=channel, campaign_id=campaign_id),
    )
    return [_message(i) for i in result], result.last_evaluated_key


def list_of_resident(community_id: str, resident_id: str, *, limit: int, after: dict[str, Any] | None,
                     status: MessageStatus | None = None, channel: Channel | None = None,
                     campaign_id: str | None = None) -> tuple[list[Message], dict[str, Any] | None]:
    """The messages sent to one resident, newest first (GSI2: no scan)."""
    db.bind()
    result = MessageItem.gsi2.query(keys.messages_of_resident(community_id, resident_id), limit=limit,
                                    last_evaluated_key=after, scan_index_forward=False,
                                    filter_condition=_only(status=status, channel=channel, campaign_id=campaign_id))
    return [_message(i) for i in result if isinstance(i, MessageItem)], result.last_evaluated_key


def list_about(community_id: str, related: str, *, resident_id: str | None, limit: int,
               after: dict[str, Any] | None) -> tuple[list[Message], dict[str, Any] | None]:
    """Every message about `related` (`type:id`), newest first, optionally only one resident's:
    a key-prefix query of the pointers, then one batch read of their messages."""
    db.bind()
    pk, prefix = keys.messages_about(community_id, related)
    condition = MessageAboutItem.resident_id == resident_id if resident_id is not None else None
    result = MessageAboutItem.query(pk, MessageAboutItem.sk.startswith(prefix), limit=limit,
                                    last_evaluated_key=after, scan_index_forward=False,
                                    filter_condition=condition)
    ids = [str(pointer.message_id) for pointer in result]
    found = get_many(community_id, ids) if ids else {}
    return [found[i] for i in ids if i in found], result.last_evaluated_key


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
               _append_event(_event("attempt"))]
    return _update(message, actions, MessageItem.status == str(MessageStatus.QUEUED))


def release(message: Message, claim_id: str, error: str, *, retry_in_s: int) -> bool:
    """sending → queued after the provider refused for now (throttled, 5xx): nothing was sent."""
    actions = [*_status_actions(message.community_id, MessageStatus.QUEUED), MessageItem.claim.remove(),
               MessageItem.last_error.set(error[:500]),
               _append_event(_event("retry_scheduled", {"error": error[:500], "in_s": retry_in_s}))]
    return _update(message, actions, (MessageItem.claim == claim_id) & (MessageItem.status == "sending"))


def _sent_actions(message: Message, provider_message_id: str) -> list[Any]:
    return [*_status_actions(message.community_id, MessageStatus.SENT), MessageItem.claim.remove(),
            MessageItem.provider_message_id.set(provider_message_id),
            _append_event(_event("sent"))]


def _claimed_by(claim_id: str) -> Condition:
    return (MessageItem.claim == claim_id) & (MessageItem.status == "sending")


def release_stale(message: Message) -> bool:
    """sending → queued for a message a crash left behind with no provider record (`stale`);
    conditional on the state it was read in, so a provider notification arriving meanwhile wins."""
    actions = [*_status_actions(message.community_id, MessageStatus.QUEUED), MessageItem.claim.remove(),
               _append_event(_event("stale_send_requeued", {"since": message.updated_at}))]
    condition = ((MessageItem.status == str(MessageStatus.SENDING)) & (MessageItem.updated_at == message.updated_at)
                 & MessageItem.provider_message_id.does_not_exist())
    return _update(message, actions, condition)


def fail_stale(message: Message, reason: str) -> bool:
    """sending → failed for a stale message that has been requeued too often (`stale`); the same
    condition as `release_stale`, so a provider notification arriving meanwhile still wins."""
    actions, _ = _finish_update(message, MessageStatus.FAILED, reason, from_statuses=(MessageStatus.SENDING,),
                                claim_id=None)
    condition = ((MessageItem.status == str(MessageStatus.SENDING)) & (MessageItem.updated_at == message.updated_at)
                 & MessageItem.provider_message_id.does_not_exist())
    return _apply(message, actions, condition, counters.move(MessageStatus.SENDING, MessageStatus.FAILED))


def mark_sent(message: Message, claim_id: str, provider_message_id: str) -> bool:
    # The provider's own `Send` notification may have got here first: then this is a no-op.
    return _apply(message, _sent_actions(message, provider_message_id), _claimed_by(claim_id),
                  counters.move(MessageStatus.SENDING, MessageStatus.SENT))


def finish(message: Message, status: MessageStatus, reason: str, *, from_statuses: tuple[MessageStatus, ...],
           claim_id: str | None = None) -> bool:
    """Move to a terminal status (failed, suppressed) with the reason, from the given statuses
    (which must share one report bucket: queued/sending)."""
    actions, condition = _finish_update(message, status, reason, from_statuses=from_statuses, claim_id=claim_id)
    return _apply(message, actions, condition, counters.move(from_statuses[0], status))


def _finish_update(message: Message, status: MessageStatus, reason: str, *,
                   from_statuses: tuple[MessageStatus, ...], claim_id: str | None) -> tuple[list[Any], Condition]:
    if len({counters.bucket(s) for s in from_statuses}) != 1:
        raise ValueError("finish() moves from statuses of one report bucket")
    actions = [*_status_actions(message.community_id, status), MessageItem.claim.remove(),
               MessageItem.last_error.set(reason[:500]),
               _append_event(_event(str(status), {"reason": reason[:500]}))]
    condition = MessageItem.status.is_in(*[str(s) for s in from_statuses])
    if claim_id is not None:
        condition = condition & (MessageItem.claim == claim_id)
    return actions, condition


def requeue(message: Message, reason: str) -> bool:
    """failed → queued (an admin's retry); attempts start again."""
    actions = [*_status_actions(message.community_id, MessageStatus.QUEUED), MessageItem.attempts.set(0),
               MessageItem.last_error.remove(), MessageItem.claim.remove(),
               _append_event(_event("requeued", {"reason": reason}))]
    return _apply(message, actions, MessageItem.status == str(MessageStatus.FAILED),
                  counters.move(MessageStatus.FAILED, MessageStatus.QUEUED))


_FLAG_OF = {"opened_at": "opened", "clicked_at": "clicked", "unsubscribed_at": "unsubscribed"}


def advance(message: Message, status: MessageStatus | None, event: MessageEvent, *,
            provider_message_id: str | None = None, first_of: str | None = None) -> bool:
    """Record a provider event; move the status only forward (by rank), counting the move.

    `first_of` ("opened_at"/"clicked_at"/"unsubscribed_at") stamps that attribute, and counts its
    flag, only if it was never set. The write is conditioned on the exact status it was computed
    from, so the counter delta is always right; a lost race re-reads the message and tries again.
    Returns False when the event changed nothing but history (older status, repeated open).
    """
    for _ in range(_CONFLICT_RETRIES):
        actions: list[Any] = [_append_event(_event(event.type, event.detail, event.at)),
                              MessageItem.updated_at.set(clock.iso())]
        condition: Condition = MessageItem.status == str(message.status)
        delta: Counter[str] = Counter()
        if status is not None and RANK[status] > RANK[message.status]:
            actions += [*_status_actions(message.community_id, status)[:2], MessageItem.claim.remove()]
            delta.update(counters.move(message.status, status))
        if provider_message_id:
            actions.append(MessageItem.provider_message_id.set(provider_message_id))
        if first_of in _FLAG_OF and getattr(message, first_of) is None:
            attribute = getattr(MessageItem, first_of)
            actions.append(attribute.set(event.at))
            condition = condition & attribute.does_not_exist()
            delta[_FLAG_OF[first_of]] += 1
        if _apply(message, actions, condition, delta):
            return bool(delta)
        fresh = get(message.community_id, message.id)
        if fresh is None:
            return False
        message = fresh
    return False


# --- campaign chunks ------------------------------------------------------------------------------


def _batches(items: Sequence[Any], room: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), room):
        yield items[start:start + room]


T = TypeVar("T")


def _write_all_that_can(items: Sequence[T], room: int,
                        updates: Callable[[list[T]], list[tuple[Message, list[Any], Condition, Counter[str]]]],
                        ) -> list[T]:
    """Write `items` in transactions of `room` message updates (+ their counter items); an item whose
    own condition fails is left out and the rest of its transaction written again. The written ones."""
    db.bind()
    written: list[T] = []
    for batch in _batches(list(items), room):
        pending = list(batch)
        while pending:
            planned = updates(pending)
            totals = counters.grouped((message, delta) for message, _, _, delta in planned)

            def build(tx: TransactWrite, plan: list[Any] = planned, sums: Any = totals) -> None:
                for message, actions, condition, _ in plan:
                    tx.update(MessageItem(*keys.message(message.community_id, message.id)), actions=actions,
                              condition=condition)
                _add_counters(tx, sums)

            try:
                transact(build)
            except Cancelled as cancelled:
                pending = [item for i, item in enumerate(pending) if i not in cancelled.positions]
                continue
            written += pending
            break
    return written


def claim_many(messages: Sequence[Message], claim_id: str, *, carried: bool = False) -> list[Message]:
    """Claim queued messages (queued → sending, one attempt more), 100 per transaction.

    A message whose claim condition fails (another delivery holds it, or it moved on) is left
    out and the rest claimed again; the claimed ones are returned. `carried`: the messages came in
    a chunk that carries them (nothing was read back): the claim creates the item when it is not
    there yet, and refuses one that used up its attempts (the caller reads those back to end them).
    """
    condition = _carried_claimable() if carried else (MessageItem.status == "queued")
    return _write_all_that_can(messages, TRANSACTION_MAX, lambda pending: [
        (m, [*(_carried_actions(m) if carried else []), *_claim_actions(m, claim_id)], condition, Counter())
        for m in pending])


def _claim_actions(message: Message, claim_id: str) -> list[Any]:
    return [*_status_actions(message.community_id, MessageStatus.SENDING),
            MessageItem.attempts.add(1), MessageItem.claim.set(claim_id), _append_event(_event("attempt"))]


def _unwritten_or_queued() -> Condition:
    return MessageItem.pk.does_not_exist() | (MessageItem.status == str(MessageStatus.QUEUED))


def _carried_claimable() -> Condition:
    """Not written yet, or queued under its attempt bound (a chunk coming back for what was deferred)."""
    under_bound = MessageItem.attempts.does_not_exist() | (MessageItem.attempts < MAX_ATTEMPTS)
    return _unwritten_or_queued() & under_bound


def _carried_actions(message: Message) -> list[Any]:
    """The attributes of a carried message, so its first write creates the whole item (what `new_item`
    writes, `if_not_exists` for what a second round must keep)."""
    item = new_item(message)
    actions: list[Any] = [MessageItem.type.set(MessageItem)]
    rendered_at_delivery = message.variables is not None  # its content is not stored: it renders again
    for name in ("channel", "category", "to", "template_id", "template_version", "campaign_id", "resident_id",
                 "related", "variables", "attachments", "gsi1sk", "gsi2pk",
                 *(() if rendered_at_delivery else ("subject", "html", "text"))):
        value = getattr(item, name)
        if value is not None:
            actions.append(getattr(MessageItem, name).set(value))
    actions.append(MessageItem.created_at.set(MessageItem.created_at | message.created_at))
    if item.gsi2sk is not None:
        actions.append(MessageItem.gsi2sk.set(MessageItem.gsi2sk | item.gsi2sk))
    return actions


@dataclass(frozen=True)
class Settle:
    """How one message of a chunk ends this delivery round."""

    message: Message
    status: MessageStatus  # sent | failed | suppressed | queued (released for a later retry)
    detail: str = ""  # provider message id (sent), reason (failed/suppressed), error (queued)
    claimed: bool = True  # False: suppressed/failed before any claim (from `queued`)
    retry_in_s: int = 0
    carried: bool = False  # unclaimed, from a chunk that carries it: the item may not be written yet


def _settle_update(settle: Settle, claim_id: str) -> tuple[list[Any], Condition, Counter[str]]:
    message = settle.message
    if settle.status == MessageStatus.SENT:
        return (_sent_actions(message, settle.detail), _claimed_by(claim_id),
                counters.move(MessageStatus.SENDING, MessageStatus.SENT))
    if settle.status == MessageStatus.QUEUED:
        actions = [*_status_actions(message.community_id, MessageStatus.QUEUED), MessageItem.claim.remove(),
                   MessageItem.last_error.set(settle.detail[:500]),
                   _append_event(_event("retry_scheduled", {"error": settle.detail[:500], "in_s": settle.retry_in_s}))]
        return actions, _claimed_by(claim_id), Counter()
    origin = MessageStatus.SENDING if settle.claimed else MessageStatus.QUEUED
    actions, condition = _finish_update(message, settle.status, settle.detail, from_statuses=(origin,),
                                        claim_id=claim_id if settle.claimed else None)
    if settle.carried and not settle.claimed:  # suppressed before its first write: the end creates it
        actions, condition = [*_carried_actions(message), *actions], _unwritten_or_queued()
    return actions, condition, counters.move(origin, settle.status)


def settle_many(settles: Sequence[Settle], claim_id: str) -> list[Settle]:
    """Write every outcome of a chunk with its counter deltas: 98 messages + the campaign's and the
    day's counters per transaction. Outcomes whose condition failed (e.g. SES's `Send` notification
    already moved a message to `sent`) are left out and the rest written; the written ones are returned.
    """
    return _write_all_that_can(settles, TRANSACTION_MAX - 2, lambda pending: [
        (s.message, *_settle_update(s, claim_id)) for s in pending])


def campaign_messages(community_id: str, campaign_id: str, *, after: dict[str, Any] | None = None,
                      limit: int | None = None, status: MessageStatus | None = None,
                      ) -> tuple[list[Message], dict[str, Any] | None]:
    """One campaign's messages (ids `{campaign_id}-{resident_id}`), by key prefix: no index needed."""
    db.bind()
    pk, prefix = keys.campaign_messages(community_id, campaign_id)
    result = MessageItem.query(pk, MessageItem.sk.startswith(prefix), limit=limit, last_evaluated_key=after,
                               filter_condition=_only(status=status))
    return [_message(i) for i in result], result.last_evaluated_key


def campaign_message_ids(community_id: str, campaign_id: str, after: dict[str, Any] | None = None, *,
                         page_size: int = 1000) -> Iterable[tuple[list[str], dict[str, Any] | None]]:
    """Pages of a campaign's message ids (only the id read back), each with the key to resume after."""
    db.bind()
    pk, prefix = keys.campaign_messages(community_id, campaign_id)
    while True:
        result = MessageItem.query(pk, MessageItem.sk.startswith(prefix), last_evaluated_key=after,
                                   limit=page_size, attributes_to_get=["pk", "sk"])
        page = [_ids(item)[1] for item in result]
        after = result.last_evaluated_key
        yield page, after
        if after is None:
            return
