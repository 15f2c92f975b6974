"""A community's work-order settings as value types: SLA hours per priority and the heating season.

They are part of the community record (PATCH /v1/community), so they live with it; the maintenance
domain judges work orders by them. The default season, 15 September to 1 June inclusive, is
Toronto's (Municipal Code ch. 497); other municipalities differ, so a community sets its own
`starts`/`ends` ("MM-DD").
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


MAX_HOURS = 24 * 366  # a year: anything longer is a typo, not a service level


class SlaHours(BaseModel):
    """The community's `work_order_sla_hours` (PATCH /v1/community), hours per priority."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    emergency: int = Field(default=4, ge=1, le=MAX_HOURS)
    high: int = Field(default=24, ge=1, le=MAX_HOURS)
    medium: int = Field(default=72, ge=1, le=MAX_HOURS)
    low: int = Field(default=192, ge=1, le=MAX_HOURS)

    @model_validator(mode="after")
    def _ordered(self) -> SlaHours:
        if not self.emergency <= self.high <= self.medium <= self.low:
            raise ValueError("hours must not shrink as priority falls: emergency ≤ high ≤ medium ≤ low")
        return self

    def hours(self, priority: str) -> int:
        """Hours for a priority by its name (a maintenance `Priority` is a StrEnum of these names)."""
        return int(getattr(self, str(priority)))
