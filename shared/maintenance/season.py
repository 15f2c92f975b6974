"""The heating season: a yearly span of days, judged on the calendar of the community's time zone.

The default, 15 September to 1 June inclusive, is Toronto's (Municipal Code ch. 497); other
municipalities differ, so a community can set its own `starts`/`ends` ("MM-DD").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator

_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _parts(value: str) -> tuple[int, int]:
    match = _MONTH_DAY.fullmatch(value)
    if match is None:
        raise ValueError("must be MM-DD, e.g. 09-15")
    month, day = int(match[1]), int(match[2])
    date(2000, month, day)  # a leap year, so 02-29 is a day; 02-30 or 13-01 raise ValueError
    return month, day


class HeatingSeason(BaseModel):
    """From `starts` to `ends`, both inclusive; a span that wraps the new year (the usual case) is fine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    starts: str = "09-15"
    ends: str = "06-01"

    @field_validator("starts", "ends")
    @classmethod
    def _month_day(cls, value: str) -> str:
        _parts(value)
        return value

    def contains(self, day: date) -> bool:
        start, end, today = _parts(self.starts), _parts(self.ends), (day.month, day.day)
        if start <= end:
            return start <= today <= end
        return today >= start or today <= end

    def describe(self) -> str:
        (sm, sd), (em, ed) = _parts(self.starts), _parts(self.ends)
        return f"{sd} {_MONTHS[sm - 1]} to {ed} {_MONTHS[em - 1]}"


def local_day(at: datetime, zone: str) -> date:
    """The calendar day `at` falls on in `zone` (an aware `at` only: a naive one has no meaning here)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must carry its time zone")
    return at.astimezone(ZoneInfo(zone)).date()
