"""Pacing provider calls under SES's maximum send rate, with the priority lane first.

SES refuses sends above the account's rate (`Throttling: Maximum sending rate exceeded`); it
tolerates short bursts. The rate is one setting, `SES_MAX_SEND_RATE` (the local SES simulator
enforces the same number). Every outbox worker paces itself with a token bucket holding its share
of its lane's budget; the lanes split the one budget like this:

- **priority** (system and transactional mail, one-offs): up to the whole rate, divided among its
  workers. It never waits for bulk.
- **bulk** (campaign chunks): the rest. Its workers pace at `rate × (1 - BULK_HEADROOM)` between
  them, and every priority send is charged to them: the priority worker counts its sends on one
  ledger item (an atomic ADD), and a bulk worker whose bucket has run dry reads the ledger (at most
  every `LEDGER_POLL_S`) and takes its share of the new priority sends out of its bucket. A priority
  burst thus rides SES's own burst allowance (which bulk, below the rate, leaves full) and is paid
  back by bulk within a second. Bulk reads nothing while it is under the rate, so an unpaced run
  (tests, the cost benchmark) makes no extra calls.

Throttling that happens anyway empties the worker's bucket for `THROTTLE_PAUSE_S` and the message
goes back to the queue with a backoff (see `delivery`); nothing was sent, so nothing is lost or sent
twice.

A chunk's sends run on its lane's send threads (`send_in_order`): one pool per process, serving
submitted sends first come, first served. Where a lane's workers share a process and a bucket (the
local runtime), the chunk claimed first thus gets the whole rate until its last send is out, while
the other worker settles its previous chunk and reads and claims its next one: claim and settle
overlap the other chunk's sends instead of happening in step with them (two workers sharing tokens
evenly finish together, and both then leave the rate unused for their overhead). In AWS a worker is
alone in its process, so the pool only saves starting threads per chunk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

from shared.platform import aws, keys
from shared.platform.observability import logger
from shared.platform.settings import settings
from shared.spec.resources import OUTBOX_QUEUE, PRIORITY_OUTBOX_QUEUE, QueueSpec

BULK_HEADROOM = 0.01  # of the rate: SES's bucket refills a little even while bulk has work (see docs/messaging.md)
BURST_S = 0.5  # a bucket stores at most half a second of its rate (SES allows 1 s): the rest absorbs jitter
LEDGER_POLL_S = 1.0
THROTTLE_PAUSE_S = 1.0
SEND_THREADS = 8  # provider calls in flight per lane and process (each waits for the rate's token first)
_EPSILON = 1e-9

T = TypeVar("T")
R = TypeVar("R")


class TokenBucket:
    """`rate` tokens per second, holding at most `burst`; `acquire` waits for one (thread-safe).

    `on_empty`, if given, is called (outside the lock) when a token has to be waited for; it may
    `charge` the bucket, which then waits longer."""

    def __init__(self, rate: float, burst: float | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, on_empty: Callable[[TokenBucket], None] | None = None,
                 ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self._tokens = self.burst
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()
        self._on_empty = on_empty

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def acquire(self) -> float:
        """Take one token, waiting as long as it takes; the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                self._refill()
                if self._tokens >= 1 - _EPSILON:  # float sums of rate × elapsed fall a hair short
                    self._tokens -= 1
                    return waited
                wait = (1 - self._tokens) / self.rate
            if self._on_empty is not None:
                self._on_empty(self)
                with self._lock:
                    self._refill()
                    wait = max(0.0, (1 - self._tokens) / self.rate)
            self._sleep(wait)
            waited += wait

    def charge(self, tokens: float) -> None:
        """Spend `tokens` that someone else used (the bucket may go below zero: it then waits)."""
        with self._lock:
            self._refill()
            self._tokens -= tokens

    def pause(self, seconds: float) -> None:
        """No token for `seconds` from now (after a throttle)."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, -seconds * self.rate)


def workers(spec: QueueSpec) -> int:
    """How many workers of the lane share its budget: the event source mapping's cap, unless set."""
    return settings().outbox_workers or spec.max_concurrency


def lane_rate(spec: QueueSpec) -> float:
    """One worker's rate: priority may use the whole budget, bulk all but the headroom."""
    rate = settings().ses_max_send_rate
    if spec.logical_id == OUTBOX_QUEUE.logical_id:
        rate *= 1 - BULK_HEADROOM
    return rate / workers(spec)


class PriorityLedger:
    """The count of priority sends, on one item: the priority lane adds, bulk workers read the growth."""

    def __init__(self) -> None:
        self._seen: float | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    @staticmethod
    def _key() -> dict[str, dict[str, str]]:
        pk, sk = keys.send_ledger()
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    def record(self, sends: int = 1) -> None:
        aws.client("dynamodb").update_item(
            TableName=settings().require("table_name"), Key=self._key(), UpdateExpression="ADD #n :n",
            ExpressionAttributeNames={"#n": "sends"}, ExpressionAttributeValues={":n": {"N": str(sends)}},
        )

    def _read(self) -> float:
        item = aws.client("dynamodb").get_item(TableName=settings().require("table_name"), Key=self._key(),
                                               ConsistentRead=True).get("Item") or {}
        return float(item.get("sends", {}).get("N", "0"))

    def charge_bulk(self, bucket: TokenBucket) -> None:
        """Take this worker's share of the priority sends made since the last look out of `bucket`."""
        if not self._lock.acquire(blocking=False):
            return  # another send thread is looking: this one just waits for its token
        try:
            now = time.monotonic()
            if now - self._read_at < LEDGER_POLL_S:
                return
            self._read_at = now
            try:
                total = self._read()
            except Exception:  # noqa: BLE001 - pacing must not fail a send; a throttle, if any, is retried
                logger.warning("priority ledger unreadable; pacing without it", exc_info=True)
                return
            seen, self._seen = self._seen, total
        finally:
            self._lock.release()
        if seen is not None and total > seen:
            bucket.charge((total - seen) / workers(OUTBOX_QUEUE))


@lru_cache(maxsize=1)
def ledger() -> PriorityLedger:
    return PriorityLedger()


@lru_cache(maxsize=4)
def send_bucket(lane: str = OUTBOX_QUEUE.logical_id) -> TokenBucket:
    """This worker's share of the account's SES send rate, for the lane (a QueueSpec logical id)."""
    spec = PRIORITY_OUTBOX_QUEUE if lane == PRIORITY_OUTBOX_QUEUE.logical_id else OUTBOX_QUEUE
    rate = lane_rate(spec)
    on_empty = ledger().charge_bulk if spec is OUTBOX_QUEUE else None
    return TokenBucket(rate, max(1.0, rate * BURST_S), on_empty=on_empty)


def before_send(lane: str) -> None:
    """Wait for the lane's token."""
    send_bucket(lane).acquire()


def after_send(lane: str) -> None:
    """A priority send is charged to bulk (see module doc); bulk sends are not counted."""
    if lane == PRIORITY_OUTBOX_QUEUE.logical_id:
        try:
            ledger().record()
        except Exception:  # noqa: BLE001 - the mail is sent; only bulk's yielding is less exact
            logger.warning("priority ledger not updated", exc_info=True)


def throttled(lane: str) -> None:
    send_bucket(lane).pause(THROTTLE_PAUSE_S)


@lru_cache(maxsize=4)
def _senders(lane: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=SEND_THREADS, thread_name_prefix=f"send-{lane}")


def send_in_order(lane: str, send: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`send` over `items` on the lane's send threads; results in order, the first error raised.

    Every caller's items join one first-come-first-served queue (see module doc), so a chunk submitted
    earlier is sent before one submitted later, at the lane's whole rate."""
    return list(_senders(lane).map(send, items))
