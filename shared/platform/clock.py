"""UTC time in one place, so tests can move it and every timestamp has the same shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta()


def now() -> datetime:
    return datetime.now(UTC) + _offset


def epoch() -> int:
    return int(now().timestamp())


def iso(moment: datetime | None = None) -> str:
    """ISO-8601 UTC with a `Z` and milliseconds, as the contract writes timestamps."""
    moment = moment or now()
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def travel(seconds: float) -> None:
    """Move the clock forward (tests only); `travel(0)` resets it."""
    global _offset
    _offset = timedelta() if seconds == 0 else _offset + timedelta(seconds=seconds)
