"""Notices storage: PynamoDB items in, `Notice` / `StoredReminder` out; conditions stay in here.

A notice and its reminders (and its effect marker) change in one transaction conditional on the notice's
version as read, so two racing changes (a serve and a void, say) cannot both win: the loser gets
`Stale` and the service answers 409.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Condition
from pynamodb.transactions import TransactWrite

from shared.notices.models import NoticeType
from shared.notices_service.items import NoticeEffectItem, NoticeItem, ReminderItem
from shared.notices_service.models import Notice, NoticeStatus, ReminderStatus, StoredReminder
from shared.platform import db, keys
from shared.platform.mapping import to_item, to_model

_CONDITION_FAILED = "ConditionalCheckFailed"


class Stale(Exception):
    """The notice changed (or vanished) since it was read."""


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- notices ---------------------------------------------------------------------------------------


_NOTICE_RENAMES = {"type": "notice_type"}
_DETAILS = ("details",)  # JSON in the key order it was given in
_CHECKS = ("checks",)  # JSON of the `Check`s


def _notice(item: NoticeItem) -> Notice:
    return to_model(Notice, item, renames=_NOTICE_RENAMES, ordered_json=_DETAILS, json_fields=_CHECKS)


def _notice_item(n: Notice) -> NoticeItem:
    return to_item(NoticeItem, n, keys.notice(n.community_id, n.id), renames=_NOTICE_RENAMES,
                   ordered_json=_DETAILS, json_fields=_CHECKS,
                   gsi1pk=keys.notices_of_property(n.community_id, n.property_id),
                   gsi1sk=f"{keys.NOTICE_PREFIX}{n.id}")


def get(community_id: str, notice_id: str) -> Notice | None:
    db.bind()
    try:
        return _notice(NoticeItem.get(*keys.notice(community_id, notice_id)))
    except DoesNotExist:
        return None


def _filters(*, notice_type: NoticeType | None, status: NoticeStatus | None, tenancy_id: str | None,
             hide_drafts: bool) -> Condition | None:
    found: list[Condition] = []
    if notice_type is not None:
        found.append(NoticeItem.notice_type == str(notice_type))
    if status is not None:
        found.append(NoticeItem.status == str(status))
    if tenancy_id is not None:
        found.append(NoticeItem.tenancy_id == tenancy_id)
    if hide_drafts:
        found.append(NoticeItem.status != str(NoticeStatus.DRAFT))
    condition: Condition | None = None
    for part in found:
        condition = part if condition is None else condition & part
    return condition


def page(community_id: str, *, property_id: str | None, limit: int, after: dict[str, Any] | None,
         notice_type: NoticeType | None = None, status: NoticeStatus | None = None, tenancy_id: str | None = None,
         hide_drafts: bool = False) -> tuple[list[Notice], dict[str, Any] | None]:
    """One page, oldest first: the community's notices, or one property's (GSI1). Filters are applied by
    DynamoDB after the key range, so a page may hold fewer than `limit` and still have a cursor."""
    db.bind()
    condition = _filters(notice_type=notice_type, status=status, tenancy_id=tenancy_id, hide_drafts=hide_drafts)
    result: Any
    if property_id is None:
        result = NoticeItem.query(keys.community_pk(community_id), NoticeItem.sk.startswith(keys.NOTICE_PREFIX),
                                  filter_condition=condition, limit=limit, last_evaluated_key=after)
    else:
        result = NoticeItem.gsi1.query(keys.notices_of_property(community_id, property_id),
                                       filter_condition=condition, limit=limit, last_evaluated_key=after)
    return [_notice(i) for i in result if isinstance(i, NoticeItem)], result.last_evaluated_key


def _commit(parts: list[tuple[str, Any, Condition | None]]) -> None:
    db.bind()
    try:
        with TransactWrite(connection=db.connection()) as tx:
            for kind, item, condition in parts:
                if kind == "put":
                    tx.save(item, condition=condition)
                else:
                    tx.delete(item, condition=condition)
    except TransactWriteError as error:
        if any(r is not None and r.code == _CONDITION_FAILED for r in error.cancellation_reasons or []):
            raise Stale() from error
        raise


def create(notice: Notice) -> None:
    _commit([("put", _notice_item(notice), NoticeItem.pk.does_not_exist())])


def save(old: Notice, new: Notice, *, reminders: Iterable[StoredReminder] = (),
         effect_put: Notice | None = None, effect_delete: Notice | None = None,
         settle: Iterable[StoredReminder] = ()) -> None:
    """Write `new` (and reminders, and the effect marker) on condition the notice is still `old.version`.
    `settle`: reminders moved out of `pending` in the same transaction, each on condition it is still
    pending (a reminder the job sent meanwhile makes the whole write `Stale`, so nothing is half done)."""
    parts: list[tuple[str, Any, Condition | None]] = [("put", _notice_item(new), NoticeItem.version == old.version)]
    parts += [("put", _reminder_item(r), None) for r in reminders]
    pending = ReminderItem.status == str(ReminderStatus.PENDING)
    parts += [("put", _reminder_item(r), pending) for r in settle]
    if effect_delete is not None and effect_delete.effective_on is not None:
        parts.append(("delete", _effect_item(effect_delete), None))
    if effect_put is not None and effect_put.effective_on is not None:
        parts.append(("put", _effect_item(effect_put), None))
    _commit(parts)


def delete(notice: Notice) -> None:
    """Delete a draft (on condition it is still the draft read)."""
    _commit([("delete", _notice_item(notice),
              (NoticeItem.version == notice.version) & (NoticeItem.status == str(NoticeStatus.DRAFT)))])


# --- reminders -------------------------------------------------------------------------------------


def _reminder(item: ReminderItem) -> StoredReminder:
    return to_model(StoredReminder, item)


def _index_sk(status: ReminderStatus | str, due_on: str, notice_id: str, key: str) -> str:
    return f"{status}#{due_on}#{notice_id}#{key}"


def _reminder_item(r: StoredReminder) -> ReminderItem:
    return to_item(ReminderItem, r, keys.reminder(r.community_id, r.notice_id, r.key),
                   gsi1pk=keys.reminders_index(r.community_id),
                   gsi1sk=_index_sk(r.status, r.due_on.isoformat(), r.notice_id, r.key))


def reminders_of(community_id: str, notice_id: str) -> list[StoredReminder]:
    db.bind()
    pk, prefix = keys.reminders_of_notice(community_id, notice_id)
    found = [_reminder(i) for i in ReminderItem.query(pk, ReminderItem.sk.startswith(prefix))]
    return sorted(found, key=lambda r: (r.due_on, r.kind))


def reminders_page(community_id: str, *, status: ReminderStatus | None, due_before: date | None, limit: int,
                   after: dict[str, Any] | None) -> tuple[list[StoredReminder], dict[str, Any] | None]:
    """The reminder centre: one status is one key range in due order; `due_before` bounds it (exclusive)."""
    db.bind()
    key_condition: Condition | None = None
    filter_condition: Condition | None = None
    if status is not None:
        upper = f"{status}#{due_before.isoformat()}" if due_before else f"{status}#~"
        key_condition = ReminderItem.gsi1sk.between(f"{status}#", upper)
        if due_before is not None:
            filter_condition = ReminderItem.due_on < due_before.isoformat()
    elif due_before is not None:
        filter_condition = ReminderItem.due_on < due_before.isoformat()
    result = ReminderItem.gsi1.query(keys.reminders_index(community_id), key_condition,
                                     filter_condition=filter_condition, limit=limit, last_evaluated_key=after)
    return [_reminder(i) for i in result if isinstance(i, ReminderItem)], result.last_evaluated_key


def due_pending(community_id: str, today: date) -> list[StoredReminder]:
    """Every pending reminder due on or before `today` (a missed run's too): one key range, nothing else read."""
    db.bind()
    lower, upper = f"{ReminderStatus.PENDING}#", f"{ReminderStatus.PENDING}#{today.isoformat()}#~"
    query = ReminderItem.gsi1.query(keys.reminders_index(community_id), ReminderItem.gsi1sk.between(lower, upper))
    return [_reminder(i) for i in query if isinstance(i, ReminderItem)]


def set_reminder_status(reminder: StoredReminder, status: ReminderStatus, at: str) -> bool:
    """Move a pending reminder to `status`; False when it was no longer pending (someone else got there)."""
    db.bind()
    item = _reminder_item(reminder)
    try:
        item.update(actions=[ReminderItem.status.set(str(status)), ReminderItem.sent_at.set(at),
                             ReminderItem.gsi1sk.set(_index_sk(status, reminder.due_on.isoformat(),
                                                               reminder.notice_id, reminder.key))],
                    condition=ReminderItem.status == str(ReminderStatus.PENDING))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- effect markers --------------------------------------------------------------------------------


def _effect_item(notice: Notice) -> NoticeEffectItem:
    effective_on = _iso(notice.effective_on) or ""
    pk, sk = keys.notice_effect(notice.community_id, effective_on, notice.id)
    return NoticeEffectItem(pk, sk, notice_id=notice.id, effective_on=effective_on)


def due_effects(community_id: str, today: date) -> list[tuple[str, date]]:
    """(id, date of effect) of the served notices whose date has come (a key range of markers)."""
    db.bind()
    lower, upper = keys.NOTICE_EFFECT_PREFIX, f"{keys.NOTICE_EFFECT_PREFIX}{today.isoformat()}#~"
    return [(i.notice_id, date.fromisoformat(i.effective_on))
            for i in NoticeEffectItem.query(keys.community_pk(community_id), NoticeEffectItem.sk.between(lower, upper))]


def reset_reminder(reminder: StoredReminder) -> None:
    """Back to pending after a failed send (only if it is still the `sent` this run set)."""
    db.bind()
    item = _reminder_item(reminder)
    try:
        item.update(actions=[ReminderItem.status.set(str(ReminderStatus.PENDING)), ReminderItem.sent_at.remove(),
                             ReminderItem.gsi1sk.set(_index_sk(ReminderStatus.PENDING, reminder.due_on.isoformat(),
                                                               reminder.notice_id, reminder.key))],
                    condition=ReminderItem.status == str(ReminderStatus.SENT))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def drop_effect(community_id: str, notice_id: str, effective_on: date) -> None:
    db.bind()
    pk, sk = keys.notice_effect(community_id, effective_on.isoformat(), notice_id)
    NoticeEffectItem(pk, sk).delete()
