"""What is due when: EventBridge `rate()`/`cron()` and Scheduler `at()` expressions, as pure functions.

No threads and no wall clock here: every function takes the time it reasons about, so the
schedulers' decisions are unit-tested directly. EventBridge cron has six fields
(`min hour day-of-month month day-of-week year`, one of the two day fields `?`, days of week
1-7 = SUN-SAT); croniter speaks five-field Unix cron (0-6 = SUN-SAT), so the expression is
translated and the year field is checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
_DOW_ITEM = re.compile(r"^(\d)(L|#\d)?$")
_MAX_YEAR = 2199


class ExpressionError(ValueError):
    """The expression is not one EventBridge would accept (or one this emulation supports)."""


def parse_rate(expression: str) -> timedelta:
    """`rate(5 minutes)` -> 5 minutes. Singular unit for 1, plural otherwise, as EventBridge insists."""
    found = _RATE.match(expression.strip())
    if found is None:
        raise ExpressionError(f"not a rate expression: {expression!r}")
    value, unit = int(found.group(1)), found.group(2)
    if value < 1:
        raise ExpressionError(f"rate must be at least 1: {expression!r}")
    if (value == 1) != (not unit.endswith("s")):
        raise ExpressionError(f"use '{unit.rstrip('s')}' for 1 and '{unit.rstrip('s')}s' otherwise: {expression!r}")
    return _UNITS[unit.rstrip("s")] * value


def _dow_item(item: str) -> str:
    """One day-of-week list item, EventBridge numbering to Unix numbering."""
    base, _, step = item.partition("/")
    if base == "L":
        converted = "6"  # the last day of the week: Saturday
    elif "-" in base and base[0].isdigit():
        low, high = base.split("-", 1)
        converted = f"{int(low) - 1}-{int(high) - 1}"
    else:
        found = _DOW_ITEM.match(base)
        if found is None:
            converted = base  # '*', or names (SUN-SAT): same in both
        elif found.group(2) == "L":
            converted = f"L{int(found.group(1)) - 1}"  # last <weekday> of the month
        else:
            converted = f"{int(found.group(1)) - 1}{found.group(2) or ''}"
    return f"{converted}/{step}" if step else converted


def _years(field: str) -> set[int] | None:
    if field in ("*", "?"):
        return None
    years: set[int] = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        if base == "*":
            low, high = 1970, _MAX_YEAR
        elif "-" in base:
            low, high = (int(v) for v in base.split("-", 1))
        else:
            low = int(base)
            high = _MAX_YEAR if step else low
        years.update(range(low, high + 1, int(step) if step else 1))
    return years


@dataclass(frozen=True)
class Cron:
    unix: str  # five-field expression for croniter
    years: set[int] | None  # None: every year


def parse_cron(expression: str) -> Cron:
    found = _CRON.match(expression.strip())
    if found is None:
        raise ExpressionError(f"not a cron expression: {expression!r}")
    fields = found.group(1).split()
    if len(fields) != 6:
        raise ExpressionError(f"EventBridge cron needs 6 fields (min hour dom month dow year): {expression!r}")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ExpressionError(f"exactly one of day-of-month and day-of-week must be '?': {expression!r}")
    if "W" in dom:
        raise ExpressionError(f"'W' (nearest weekday) is not supported locally: {expression!r}")
    unix_dow = "*" if dow == "?" else ",".join(_dow_item(item) for item in dow.upper().split(","))
    unix = " ".join([minute, hour, "*" if dom == "?" else dom, month, unix_dow])
    try:
        years = _years(year)
        valid = croniter.is_valid(unix)
    except ValueError as error:
        raise ExpressionError(f"invalid cron expression {expression!r}: {error}") from error
    if not valid:
        raise ExpressionError(f"invalid cron expression {expression!r} (as Unix cron: {unix!r})")
    return Cron(unix, years)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def next_cron(cron: Cron, after: datetime) -> datetime | None:
    """The first time strictly after `after` the cron matches (UTC), or None if it never will again."""
    start = _utc(after)
    while True:
        if cron.years is not None:
            upcoming = [y for y in cron.years if y >= start.year]
            if not upcoming:
                return None
            if min(upcoming) > start.year:
                start = datetime(min(upcoming), 1, 1, tzinfo=UTC) - timedelta(seconds=1)
        candidate: datetime = croniter(cron.unix, start).get_next(datetime)
        if cron.years is None or candidate.year in cron.years:
            return candidate.astimezone(UTC)
        start = datetime(candidate.year, 12, 31, 23, 59, 59, tzinfo=UTC)  # skip the rest of that year


def next_fire(expression: str, after: datetime) -> datetime | None:
    """When a `rate()` or `cron()` rule fires next after `after` (a rate counts from `after`)."""
    expression = expression.strip()
    if expression.startswith("rate("):
        return _utc(after) + parse_rate(expression)
    if expression.startswith("cron("):
        return next_cron(parse_cron(expression), after)
    raise ExpressionError(f"EventBridge rules take rate(...) or cron(...), not {expression!r}")


def validate(expression: str) -> None:
    """Raise `ExpressionError` for an expression the rule scheduler could not run."""
    next_fire(expression, datetime(2000, 1, 1, tzinfo=UTC))


@dataclass
class Recurring:
    """One rule's clock: `due(now)` says whether it fires now and moves on to the next time."""

    expression: str
    next_at: datetime | None

    @classmethod
    def starting(cls, expression: str, now: datetime) -> Recurring:
        return cls(expression, next_fire(expression, now))

    def due(self, now: datetime) -> datetime | None:
        """The scheduled time being fired if the rule is due at `now` (then advanced), else None.

        Missed periods (a sleeping laptop) fire once, not once per period.
        """
        if self.next_at is None or _utc(now) < self.next_at:
            return None
        fired = self.next_at
        upcoming = next_fire(self.expression, fired)
        while upcoming is not None and upcoming <= _utc(now):
            upcoming = next_fire(self.expression, upcoming)
        self.next_at = upcoming
        return fired


def parse_at(expression: str, timezone: str | None = None) -> datetime:
    """`at(2030-01-01T09:00:00)` in `timezone` (Scheduler's ScheduleExpressionTimezone, default UTC) -> UTC."""
    found = _AT.match(expression.strip())
    if found is None:
        raise ExpressionError(f"not a one-time expression: {expression!r}")
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ExpressionError(f"unknown timezone {timezone!r}") from error
    local = datetime.fromisoformat(found.group(1)).replace(tzinfo=zone)
    return local.astimezone(UTC)


def is_one_time(expression: str) -> bool:
    return expression.strip().startswith("at(")


def at_due(expression: str, timezone: str | None, now: datetime, *, state: str = "ENABLED") -> bool:
    """Whether a one-time schedule should fire at `now`: enabled and its time has come."""
    return state == "ENABLED" and parse_at(expression, timezone) <= _utc(now)
