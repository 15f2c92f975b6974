"""Report counters kept as messages move, never computed by scans.

Each message is counted once, in its current status bucket (`queued` holds both `queued` and
`sending`: the contract's report has no `sending`), plus once in each of the flags it earned
(`opened`, `clicked`, `unsubscribed`). Every status change applies its delta in the same
DynamoDB transaction as the change itself (`shared.messaging.repository`), to two counter items:
the message's campaign (report of one campaign) and the community's day × channel item (the
communications report over a date range). So counters and messages cannot disagree, whatever
crashes or redeliveries happen in between.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from pynamodb.attributes import NumberAttribute

from shared.messaging.models import Message, MessageStatus
from shared.platform import keys
from shared.platform.db import BaseItem

BUCKETS: tuple[str, ...] = ("queued", "sent", "delivered", "failed", "bounced", "complained", "suppressed")
FLAGS: tuple[str, ...] = ("opened", "clicked", "unsubscribed")
FIELDS: tuple[str, ...] = ("recipients", *BUCKETS, *FLAGS)


class CountersItem(BaseItem, discriminator="counters"):
    """Counter attributes (absent = 0). The daily item is this; the campaign item extends it."""

    recipients = NumberAttribute(null=True)
    queued = NumberAttribute(null=True)
    sent = NumberAttribute(null=True)
    delivered = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    bounced = NumberAttribute(null=True)
    complained = NumberAttribute(null=True)
    suppressed = NumberAttribute(null=True)
    opened = NumberAttribute(null=True)
    clicked = NumberAttribute(null=True)
    unsubscribed = NumberAttribute(null=True)


def bucket(status: MessageStatus) -> str:
    return "queued" if status in (MessageStatus.QUEUED, MessageStatus.SENDING) else str(status)


def move(old: MessageStatus, new: MessageStatus) -> Counter[str]:
    """The delta of one message moving from `old` to `new` (empty when the bucket stays)."""
    delta: Counter[str] = Counter()
    if bucket(old) != bucket(new):
        delta[bucket(old)] -= 1
        delta[bucket(new)] += 1
    return delta


def created(count: int, status: MessageStatus = MessageStatus.QUEUED) -> Counter[str]:
    """New messages enter as recipients, in their status's bucket (`queued`, as a rule)."""
    return Counter({"recipients": count, bucket(status): count})


def read(item: CountersItem | None) -> dict[str, int]:
    return {name: int(getattr(item, name, None) or 0) if item is not None else 0 for name in FIELDS}


def add_actions(delta: Mapping[str, int]) -> list[Any]:
    """UpdateItem actions adding `delta` (zero entries skipped)."""
    return [getattr(CountersItem, name).add(value) for name, value in sorted(delta.items()) if value]


def day_of(message: Message) -> str:
    return message.created_at[:10]


def targets(message: Message) -> list[tuple[tuple[str, str], bool]]:
    """The counter items a message's changes go to: (key, is the daily item)."""
    found: list[tuple[tuple[str, str], bool]] = [
        (keys.daily_stats(message.community_id, day_of(message), str(message.channel)), True)]
    if message.campaign_id:
        found.append((keys.campaign(message.community_id, message.campaign_id), False))
    return found


def grouped(changes: Iterable[tuple[Message, Mapping[str, int]]]) -> dict[tuple[tuple[str, str], bool], Counter[str]]:
    """Sum the deltas of many messages per counter item (one update each in a batch transaction)."""
    totals: dict[tuple[tuple[str, str], bool], Counter[str]] = {}
    for message, delta in changes:
        if not any(delta.values()):
            continue
        for target in targets(message):
            totals.setdefault(target, Counter()).update(delta)
    return {target: delta for target, delta in totals.items() if any(delta.values())}
