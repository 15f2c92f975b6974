"""Messages left `sending` by a crash, with no provider record: retried, never twice.

A worker that dies between claiming a message and writing its outcome leaves it `sending`. If the
provider accepted it, SES's own `Send` notification (tagged with the message id) arrives within
seconds and moves it to `sent`. One still `sending` after `STALE_AFTER_S` with no provider id was
therefore never accepted (throttled, or the crash came first): it goes back to `queued` and onto
the queue. The move is conditional on the exact state read, so a late notification wins the race.

It does so at most `MAX_STALE_ROUNDS` times per message (counted from its history): a message
that keeps ending up stale (a worker that crashes on it every time) then ends `failed` with the
reason, logged at ERROR and counted, instead of cycling every 15 minutes in silence.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.campaigns import repository as campaigns
from shared.community import repository as communities
from shared.messaging import failures, repository
from shared.messaging.models import Message, MessageStatus
from shared.messaging.service import enqueue_or_fail
from shared.platform import clock
from shared.platform.observability import logger

STALE_AFTER_S = 900  # SES's Send notification takes seconds; 15 minutes is far beyond it
MAX_STALE_ROUNDS = 3  # requeues of one message before it is failed: a crash that repeats is not bad luck
STALE_EVENT = "stale_send_requeued"  # what `repository.release_stale` records on the message


def rounds(message: Message) -> int:
    """How many times this message was already requeued as a stale send."""
    return sum(1 for event in message.events if event.type == STALE_EVENT)


def _give_up(message: Message) -> bool:
    reason = f"gave up after {rounds(message)} stale-send requeues (left `sending` with no provider record)"
    if not repository.fail_stale(message, reason):
        return False
    failures.record(message.community_id, message.id, reason, kind="stale_rounds_exhausted")
    if message.campaign_id:
        campaigns.complete(message.community_id, message.campaign_id)
    return True


def release_community(community_id: str) -> int:
    """Requeue this community's stale `sending` messages; how many."""
    cutoff = clock.iso(clock.now() - timedelta(seconds=STALE_AFTER_S))
    stale: list[Message] = []
    after: dict[str, Any] | None = None
    while True:
        page, after = repository.list_by_status(community_id, MessageStatus.SENDING, limit=200, after=after)
        stale += [m for m in page if m.updated_at < cutoff and m.provider_message_id is None]
        if after is None:
            break
    given_up = [m for m in stale if rounds(m) >= MAX_STALE_ROUNDS]
    for message in given_up:
        _give_up(message)
    released = [m for m in stale if rounds(m) < MAX_STALE_ROUNDS and repository.release_stale(m)]
    if released:
        logger.warning("stale sends requeued", extra={"community_id": community_id, "count": len(released)})
        enqueue_or_fail(released)
    return len(released)


def release_all() -> int:
    """Every community's stale sends (the scheduled job)."""
    total = 0
    after: dict[str, Any] | None = None
    while True:
        page, after = communities.list_communities(limit=100, after=after)
        total += sum(release_community(c.id) for c in page)
        if after is None:
            return total
