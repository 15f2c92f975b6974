"""The rent job (`ChargeRent`): every due date of every active tenancy charged once, at any scale.

1. The schedule (daily) lists the communities (the platform listing on GSI1, 1 MB pages) and puts one
   `community` message per community on the rent queue (SendMessageBatch, 10 a call): no invocation
   ever loops over every tenancy of every community.
2. A community's message reads its time zone (today there is the day rent is charged through) and
   its property ids, and puts one `property` message per property on the same queue.
3. A property's message reads the property's tenancies not ended a month before that day (one key
   range of GSI1: ended tenancies are never read) and, for each with rent due, posts the charges in one
   transaction with the tenancy's new totals and `rent_charged_through` (`ledger_service.post_drafts`).

Idempotent per tenancy per due date: the due dates charged are the ones after `rent_charged_through`,
and the posting is conditional on the tenancy's version as read. Running the job twice, a redelivered
message, or two workers at once charge each due date once; a missed day is caught up by the next run.
DynamoDB calls per tenancy charged: a share of one TransactWriteItems per ~50 tenancies (postings are
packed, see `charge_property`), plus the shared Query pages (bench/ledger.py measures it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shared.platform import aws, clock
from shared.platform.observability import logger
from shared.platform.settings import settings
from shared.properties import days, ledger, ledger_service, rent, repository
from shared.properties.models import LedgerEntry, Tenancy

ENDED_GRACE = timedelta(days=31)  # a tenancy ended up to a month ago may still owe a missed due date
SEND_BATCH = 10  # SendMessageBatch's limit


@dataclass(frozen=True)
class Outcome:
    tenancies: int = 0  # tenancies looked at
    charged: int = 0  # tenancies charged
    entries: int = 0  # rent charges posted

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(self.tenancies + other.tenancies, self.charged + other.charged, self.entries + other.entries)


def _send(messages: Iterable[dict[str, Any]]) -> int:
    sqs, url = aws.client("sqs"), settings().require("rent_queue_url")
    batch: list[dict[str, str]] = []
    sent = 0

    def flush() -> None:
        nonlocal sent
        if not batch:
            return
        answer = sqs.send_message_batch(QueueUrl=url, Entries=list(batch))
        if answer.get("Failed"):
            raise RuntimeError(f"{len(answer['Failed'])} rent messages were not queued")
        sent += len(batch)
        batch.clear()

    for message in messages:
        batch.append({"Id": str(len(batch)), "MessageBody": json.dumps(message, separators=(",", ":"))})
        if len(batch) == SEND_BATCH:
            flush()
    flush()
    return sent


def _communities() -> Iterator[str]:
    from shared.community import repository as communities

    after = None
    while True:
        items, after = communities.list_communities(limit=1000, after=after)
        yield from (c.id for c in items)
        if after is None:
            return


def schedule() -> int:
    """The scheduled entry point: one message per community; how many were queued."""
    return _send({"kind": "community", "community_id": cid} for cid in _communities())


def fan_out_community(community_id: str) -> int:
    """A community's message: one message per property, charging through today in its time zone."""
    day = days.community_today(community_id)
    return _send({"kind": "property", "community_id": community_id, "property_id": pid, "day": day.isoformat()}
                 for pid in repository.property_ids(community_id))


def charge_property(community_id: str, property_id: str, day: date) -> Outcome:
    """Charge every due date through `day` of the property's tenancies (idempotent).

    Tenancies with rent due are packed into transactions of up to 100 actions (a tenancy's item and
    its new entries each), so a property's rent day costs a few calls, not one per tenancy; when a
    packed transaction is refused (a tenancy changed meanwhile, e.g. a payment), nothing of it was
    written and its tenancies are posted one by one, each re-read and re-drafted.
    """
    outcome, pack, size = Outcome(), list[tuple[Tenancy, Tenancy, list[LedgerEntry]]](), 0
    now = clock.iso()

    def flush() -> Outcome:
        if not pack:
            return Outcome()
        done = Outcome(charged=len(pack), entries=sum(len(p[2]) for p in pack))
        if not repository.post_many(pack):
            done = Outcome()
            for old, _, _ in pack:
                done += charge_tenancy(old, day, counted=False)
        pack.clear()
        return done

    for tenancy in repository.open_tenancies(community_id, property_id, day - ENDED_GRACE):
        outcome += Outcome(tenancies=1)
        drafts = rent.drafts(tenancy, day)
        if not drafts:
            continue
        updated, posted = ledger.apply(tenancy, drafts, today=day, now=now)
        actions = 1 + len(posted)
        if size + actions > repository.TRANSACTION_MAX_ACTIONS:
            outcome += flush()
            size = 0
        pack.append((tenancy, _charged_through(updated, posted), posted))
        size += actions
    return outcome + flush()


def _charged_through(updated: Tenancy, posted: list[LedgerEntry]) -> Tenancy:
    return updated.model_copy(update={"rent_charged_through": max(e.on for e in posted)})


def charge_tenancy(tenancy: Tenancy, day: date, *, counted: bool = True) -> Outcome:
    """Post the rent due through `day` and not charged yet (no write when there is none)."""
    looked = 1 if counted else 0
    if not rent.due_dates(tenancy, day, limit=1):
        return Outcome(tenancies=looked)
    _, posted = ledger_service.post_drafts(tenancy, lambda current: rent.drafts(current, day), today=day,
                                           adjust=_charged_through)
    return Outcome(tenancies=looked, charged=1 if posted else 0, entries=len(posted))


@dataclass(frozen=True)
class Message:
    kind: str  # community | property
    community_id: str
    property_id: str | None = None
    day: date | None = None


def parse(body: str) -> Message:
    """A rent queue message; ValueError/KeyError/TypeError when it is not one (dropped by the worker)."""
    data = json.loads(body)
    if data.get("kind") == "community":
        return Message("community", str(data["community_id"]))
    if data.get("kind") == "property":
        return Message("property", str(data["community_id"]), str(data["property_id"]),
                       date.fromisoformat(str(data["day"])))
    raise ValueError("not a rent message")


def handle(message: Message) -> Outcome | int:
    """One rent queue message: a community's fans out (how many messages), a property's charges."""
    if message.kind == "community":
        return fan_out_community(message.community_id)
    assert message.property_id is not None and message.day is not None
    outcome = charge_property(message.community_id, message.property_id, message.day)
    logger.info("rent charged", extra={"community_id": message.community_id, "property_id": message.property_id,
                                       "tenancies": outcome.tenancies, "charged": outcome.charged,
                                       "entries": outcome.entries})
    return outcome
