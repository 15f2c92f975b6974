"""The heating season is judged on the calendar of the community's time zone: the local day of a moment.

The season itself (`HeatingSeason`) is a community setting: shared.community.settings.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_day(at: datetime, zone: str) -> date:
    """The calendar day `at` falls on in `zone` (an aware `at` only: a naive one has no meaning here)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must carry its time zone")
    return at.astimezone(ZoneInfo(zone)).date()
