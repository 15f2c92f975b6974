"""Calendar arithmetic the rules share: Ontario business days and month steps.

Business days come from the `holidays` package (country `CA`, subdivision `ON`). We take its `public`
and `optional` categories together: that adds Easter Monday, the Civic Holiday and Remembrance Day,
which the Legislation Act, 2006 (s.88) also counts as holidays. A day too many only makes a courier's
deemed service date later, which can never make a notice early; a day too few could.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta
from functools import lru_cache

HOLIDAY_CATEGORIES = ("public", "optional")


@lru_cache(maxsize=32)
def ontario_holidays(year: int) -> frozenset[date]:
    """Ontario holidays of one year (imported on first use: most requests never need it)."""
    import holidays

    return frozenset(holidays.country_holidays("CA", subdiv="ON", years=year, categories=HOLIDAY_CATEGORIES))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in ontario_holidays(day.year)


def next_business_day(day: date) -> date:
    """The first business day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_business_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def add_months(day: date, months: int, *, roll_forward: bool = False) -> date:
    """`day` moved by whole months. A day the target month lacks (Jan 31 + 1 month) is clamped to its
    last day, or with `roll_forward` moved to the 1st of the month after (used where a day early would
    break a rule: 12 months after 2024-02-29 have elapsed only on 2025-03-01)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _cal.monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    if roll_forward:
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, last)
