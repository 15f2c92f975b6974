"""Outbox lanes (issue 16) without AWS: the routing rule, the pacing buckets and how the lanes share the
rate, the local fair-queue order and the embedded SES's send rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from infra.local import fair_queue
from infra.local.ses_simulator import SendRateLimit
from shared.messaging import outbox, pacing
from shared.platform.settings import settings
from shared.spec.resources import OUTBOX_QUEUE, PRIORITY_OUTBOX_QUEUE

pytestmark = pytest.mark.unit


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    settings.cache_clear()
    pacing.send_bucket.cache_clear()
    yield monkeypatch
    settings.cache_clear()
    pacing.send_bucket.cache_clear()


def test_campaign_recipients_are_bulk_everything_else_has_priority(env: pytest.MonkeyPatch) -> None:
    assert outbox.lane("campaign-1") is OUTBOX_QUEUE
    assert outbox.lane(None) is PRIORITY_OUTBOX_QUEUE  # system mail, one-offs, notices, reminders


def test_the_single_queue_mode_puts_everything_on_the_bulk_queue(env: pytest.MonkeyPatch) -> None:
    env.setenv("OUTBOX_ROUTING", "single")
    settings.cache_clear()
    assert outbox.lane(None) is OUTBOX_QUEUE and outbox.lane("campaign-1") is OUTBOX_QUEUE


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_bucket_gives_its_rate_after_its_burst() -> None:
    clock = FakeClock()
    bucket = pacing.TokenBucket(10, burst=5, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(25)]
    assert waits[:5] == [0, 0, 0, 0, 0]  # the burst
    assert clock.now == pytest.approx(2.0)  # then 20 more at 10/s
    assert all(w == pytest.approx(0.1) for w in waits[5:])


def test_charging_and_pausing_a_bucket_make_it_wait() -> None:
    clock = FakeClock()
    bucket = pacing.TokenBucket(10, burst=1, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    bucket.charge(5)  # five sends someone else made
    assert bucket.acquire() == pytest.approx(0.6)
    bucket.pause(1.0)  # throttled
    assert bucket.acquire() == pytest.approx(1.1)


def test_priority_may_use_the_whole_rate_bulk_the_rest(env: pytest.MonkeyPatch) -> None:
    env.setenv("SES_MAX_SEND_RATE", "20")
    env.setenv("OUTBOX_WORKERS", "1")
    settings.cache_clear()
    assert pacing.lane_rate(PRIORITY_OUTBOX_QUEUE) == 20
    assert pacing.lane_rate(OUTBOX_QUEUE) == pytest.approx(20 * (1 - pacing.BULK_HEADROOM))
    env.delenv("OUTBOX_WORKERS")
    settings.cache_clear()  # in AWS: shared by the event source mapping's workers
    workers = OUTBOX_QUEUE.max_concurrency
    assert pacing.lane_rate(OUTBOX_QUEUE) == pytest.approx(20 * (1 - pacing.BULK_HEADROOM) / workers)


@dataclass
class FakeLedger:
    total: float = 0
    reads: int = 0
    writes: list[int] = field(default_factory=list)


@pytest.fixture
def ledger(env: pytest.MonkeyPatch) -> FakeLedger:
    fake = FakeLedger()

    def update_item(**kwargs: Any) -> None:
        fake.writes.append(int(kwargs["ExpressionAttributeValues"][":n"]["N"]))
        fake.total += fake.writes[-1]

    def get_item(**kwargs: Any) -> dict[str, Any]:
        fake.reads += 1
        return {"Item": {"sends": {"N": str(fake.total)}}}

    client = SimpleNamespace(update_item=update_item, get_item=get_item)
    env.setattr(pacing.aws, "client", lambda service: client)
    env.setenv("TABLE_NAME", "t")
    env.setenv("OUTBOX_WORKERS", "1")
    settings.cache_clear()
    pacing.ledger.cache_clear()
    return fake


def test_priority_sends_are_counted_and_bulk_pays_them_back(ledger: FakeLedger, env: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    env.setattr(pacing.time, "monotonic", clock)
    bucket = pacing.TokenBucket(10, burst=1, clock=clock, sleep=clock.sleep, on_empty=pacing.ledger().charge_bulk)
    bucket.acquire()  # the burst: no look at the ledger while bulk is under the rate
    assert ledger.reads == 0
    bucket.acquire()  # empty: the first look only notes where the count stands
    assert ledger.reads == 1
    for _ in range(5):
        pacing.after_send(PRIORITY_OUTBOX_QUEUE.logical_id)
    pacing.after_send(OUTBOX_QUEUE.logical_id)  # bulk sends are not counted
    assert ledger.writes == [1] * 5
    clock.now += pacing.LEDGER_POLL_S  # the next look is due; the idle second refilled the bucket (burst 1)
    bucket.acquire()
    before = clock.now
    bucket.acquire()  # empty again: the look finds 5 priority sends and bulk waits for them
    assert ledger.reads == 2
    assert clock.now - before == pytest.approx(0.6)  # its own token and the 5 priority sends at 10/s


def test_the_simulated_ses_rate_has_a_one_second_burst_then_throttles() -> None:
    clock = FakeClock()
    limit = SendRateLimit(rate=lambda: 20.0, clock=clock)
    assert all(limit.allow() for _ in range(20))
    assert not limit.allow()
    clock.now += 0.5
    assert sum(limit.allow() for _ in range(20)) == 10
    assert (limit.accepted, limit.throttled) == (30, 11)


@dataclass
class Msg:
    name: str
    group_id: str | None
    visible: bool = True
    delayed: bool = False


def test_fair_order_serves_the_groups_with_fewest_in_flight_first() -> None:
    queue = [Msg("a0", "a", visible=False), Msg("a1", "a"), Msg("a2", "a"), Msg("b0", "b"), Msg("b1", "b"),
             Msg("c0", None), Msg("b2", "b", delayed=True)]
    assert [m.name for m in fair_queue.order(queue)] == ["b0", "c0", "a1", "b1", "a2", "a0", "b2"]


def test_fair_order_breaks_ties_for_the_group_served_least_recently() -> None:
    queue = [Msg("a1", "a"), Msg("a2", "a"), Msg("b1", "b"), Msg("b2", "b")]
    assert [m.name for m in fair_queue.order(queue, {"a": 7, "b": 3})] == ["b1", "a1", "b2", "a2"]
    assert [m.name for m in fair_queue.order(queue, {"a": 7})] == ["b1", "a1", "b2", "a2"]  # b never served


def test_a_lanes_send_threads_serve_chunks_first_come_first_served(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers' chunks on one lane: the one submitted first is started in full before the other's
    first send, so its worker can settle it (and claim its next) while the other chunk is sent. (One send
    thread, so that which thread records its start first cannot blur the queue's order.)"""
    import threading
    import time

    monkeypatch.setattr(pacing, "SEND_THREADS", 1)

    started: list[str] = []
    guard = threading.Lock()

    def send(item: str) -> str:
        with guard:
            started.append(item)
        time.sleep(0.002)
        return item.upper()

    first = [f"a{i}" for i in range(20)]
    second = [f"b{i}" for i in range(20)]
    results: dict[str, list[str]] = {}
    submitted = threading.Event()

    def worker(name: str, items: list[str]) -> None:
        if name == "b":
            submitted.wait()
        results[name] = pacing.send_in_order("test-fifo-lane", send, items)

    other = threading.Thread(target=worker, args=("b", second))
    other.start()
    original = pacing._senders("test-fifo-lane").submit

    def submit_then_signal(*args: Any, **kwargs: Any) -> Any:
        future = original(*args, **kwargs)
        if args[1] == first[-1]:
            submitted.set()  # every item of the first chunk is queued: the second worker may submit
        return future

    pacing._senders("test-fifo-lane").submit = submit_then_signal  # type: ignore[method-assign]
    try:
        worker("a", first)
    finally:
        del pacing._senders("test-fifo-lane").submit
    other.join(timeout=10)
    assert results == {"a": [i.upper() for i in first], "b": [i.upper() for i in second]}  # each in its order
    assert max(started.index(i) for i in first) < min(started.index(i) for i in second)


def test_a_send_error_reaches_the_chunk_that_made_it() -> None:
    def send(item: int) -> int:
        if item == 3:
            raise RuntimeError("boom")
        return item

    with pytest.raises(RuntimeError, match="boom"):
        pacing.send_in_order("test-error-lane", send, range(6))
    assert pacing.send_in_order("test-error-lane", send, [1, 2]) == [1, 2]  # the pool is still serving
