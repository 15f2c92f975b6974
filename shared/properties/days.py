"""Today in a community's time zone: the day tenancy status, arrears and rent due dates are read on."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.platform import clock


def today_in(timezone: str | None) -> date:
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return clock.now().astimezone(zone).date()


def community_today(community_id: str) -> date:
    """One GetItem of the community (its `timezone`)."""
    from shared.community import repository as communities

    community = communities.get_community(community_id)
    return today_in(community.timezone if community else None)
