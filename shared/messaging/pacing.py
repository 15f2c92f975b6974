"""Pacing provider calls under SES's maximum send rate: a token bucket per worker.

SES refuses sends above the account's rate (`Throttling: Maximum sending rate exceeded`). Every
outbox worker paces itself to its share, `SES_MAX_SEND_RATE / max_concurrency` (the queue's event
source mapping caps how many workers run at once), so together they stay under the account's
rate without a shared counter to coordinate on. Throttling that happens anyway is retried
through the queue (see `delivery`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache

from shared.platform.settings import settings
from shared.spec.resources import OUTBOX_QUEUE


class TokenBucket:
    """`rate` tokens per second, holding at most `burst`; `acquire` waits for one (thread-safe)."""

    def __init__(self, rate: float, burst: float | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self._tokens = self.burst
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, waiting as long as it takes; the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return waited
                wait = (1 - self._tokens) / self.rate
            self._sleep(wait)
            waited += wait


@lru_cache(maxsize=1)
def send_bucket() -> TokenBucket:
    """This worker's share of the account's SES send rate."""
    return TokenBucket(settings().ses_max_send_rate / OUTBOX_QUEUE.max_concurrency)
