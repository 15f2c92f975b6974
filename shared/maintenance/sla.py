"""Service levels: when an order is due, and whether it is overdue at a given moment.

`due_at` is `created_at` plus the community's hours for the priority (contract defaults 4, 24, 72
and 192). Hours are elapsed hours, not business hours or wall-clock days: an emergency reported at
01:30 on the night the clocks change is still due four real hours later. A staff change of priority
recomputes `due_at` from the original `created_at`, not from the change. An order is overdue when
the moment is past `due_at` and it is not done (completed, closed or cancelled); an order on hold
stays on the clock, because the tenant is still waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.community.settings import SlaHours
from shared.maintenance.models import DONE, Priority, Status


def due_at(created_at: datetime, priority: Priority, sla: SlaHours | None = None) -> datetime:
    if created_at.tzinfo is None:
        raise ValueError("`created_at` must carry its time zone")
    # In UTC: Python adds a timedelta to a zoned datetime on the wall clock, which is off by the DST jump.
    return created_at.astimezone(UTC) + timedelta(hours=(sla or SlaHours()).hours(priority))


def overdue(due: datetime, status: Status, at: datetime) -> bool:
    """Past due (strictly: due at 12:00 is not overdue at 12:00) and not done."""
    return status not in DONE and at.astimezone(UTC) > due.astimezone(UTC)
