"""The `NoticeReminders` job (hourly): reminders mailed once from 08:00 community time; notices turn effective.

1. The schedule lists the communities and puts one message per community on the `NoticeReminders` queue
   (SendMessageBatch, 10 a call): no invocation loops over every community's notices.
2. A community's message reads its time zone. It turns every served notice whose date of effect has come
   `effective` (one key range of effect markers), whatever the hour; then, only once it is 08:00 or later
   there, it reads the pending reminders due by today (one key range of GSI1: a missed run's are still
   pending, so they are caught up; nothing else is read) and mails each to the notice's creator and the
   property's assigned managers.

Exactly once: each reminder is claimed by a conditional status change (`pending` → `sent`) before its mail
is queued, as the outbox claims a message; a second run, a redelivered message or two workers at once find
it no longer pending. A send that fails after the claim puts the reminder back to `pending` for the next try.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.notices_service import repository
from shared.notices_service.models import NoticeStatus, ReminderStatus, StoredReminder
from shared.platform import aws, clock
from shared.platform.observability import logger
from shared.platform.settings import settings

SEND_FROM_HOUR = 8  # community time: nothing goes out at night
SEND_BATCH = 10


@dataclass(frozen=True)
class Outcome:
    effective: int = 0  # notices turned effective
    sent: int = 0  # reminders mailed
    skipped_night: bool = False


def _communities() -> Iterator[str]:
    from shared.community import repository as communities

    after = None
    while True:
        items, after = communities.list_communities(limit=1000, after=after)
        yield from (c.id for c in items)
        if after is None:
            return


def _send(messages: Iterable[dict[str, Any]]) -> int:
    sqs, url = aws.client("sqs"), settings().require("notice_queue_url")
    batch: list[dict[str, str]] = []
    sent = 0
    for message in messages:
        batch.append({"Id": str(len(batch)), "MessageBody": json.dumps(message, separators=(",", ":"))})
        if len(batch) == SEND_BATCH:
            sent += _flush(sqs, url, batch)
    return sent + _flush(sqs, url, batch)


def _flush(sqs: Any, url: str, batch: list[dict[str, str]]) -> int:
    if not batch:
        return 0
    answer = sqs.send_message_batch(QueueUrl=url, Entries=list(batch))
    if answer.get("Failed"):
        raise RuntimeError(f"{len(answer['Failed'])} notice reminder messages were not queued")
    count = len(batch)
    batch.clear()
    return count


def schedule() -> int:
    """The scheduled entry point: one message per community; how many were queued."""
    return _send({"community_id": cid} for cid in _communities())


def parse(body: str) -> str:
    message = json.loads(body)
    community_id = message["community_id"]
    if not isinstance(community_id, str) or not community_id:
        raise ValueError("community_id")
    return community_id


def _local_now(community_id: str) -> datetime:
    from shared.community import repository as communities

    community = communities.get_community(community_id)
    try:
        zone = ZoneInfo((community.timezone if community else None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return clock.now().astimezone(zone)


def turn_effective(community_id: str, day: date) -> int:
    turned = 0
    for notice_id, effective_on in repository.due_effects(community_id, day):
        notice = repository.get(community_id, notice_id)
        if notice is None:
            continue
        if notice.status != NoticeStatus.SERVED:  # voided or completed meanwhile: drop the stale marker
            repository.drop_effect(community_id, notice_id, effective_on)
            continue
        new = notice.model_copy(update={"status": NoticeStatus.EFFECTIVE, "version": notice.version + 1,
                                        "updated_at": clock.iso()})
        try:
            repository.save(notice, new, effect_delete=notice)
            turned += 1
        except repository.Stale:  # changed meanwhile (e.g. voided): the next run sees it as it is now
            continue
    return turned


def handle(community_id: str) -> Outcome:
    """One community's hour: notices turned effective, then (from 08:00 there) its due reminders mailed."""
    now = _local_now(community_id)
    today = now.date()
    effective = turn_effective(community_id, today)
    if now.hour < SEND_FROM_HOUR:
        return Outcome(effective=effective, skipped_night=True)
    sent = sum(mail_reminder(r) for r in repository.due_pending(community_id, today))
    return Outcome(effective=effective, sent=sent)


def mail_reminder(reminder: StoredReminder) -> bool:
    """Claim, then mail; False when another run had claimed it already."""
    from shared.notices_service import mail  # the outbox: only when there is something to send

    if not repository.set_reminder_status(reminder, ReminderStatus.SENT, clock.iso()):
        return False
    try:
        mail.send_reminder(reminder)
    except Exception:
        repository.reset_reminder(reminder)
        logger.exception("notice reminder not sent; back to pending", extra={"reminder_id": reminder.id})
        raise
    return True
