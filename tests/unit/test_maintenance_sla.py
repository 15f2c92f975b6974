"""SLA deadlines per priority (defaults and a community's own), and overdue at a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from shared.community.settings import SlaHours
from shared.maintenance.models import Priority, Status
from shared.maintenance.sla import due_at, overdue

pytestmark = pytest.mark.unit

CREATED = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("priority", "hours"), [
    (Priority.EMERGENCY, 4), (Priority.HIGH, 24), (Priority.MEDIUM, 72), (Priority.LOW, 192)])
def test_contract_default_hours(priority: Priority, hours: int) -> None:
    assert due_at(CREATED, priority) == CREATED + timedelta(hours=hours)


def test_a_communitys_own_hours() -> None:
    sla = SlaHours(emergency=2, high=12, medium=48, low=120)
    assert [due_at(CREATED, p, sla) - CREATED for p in Priority] == [
        timedelta(hours=h) for h in (120, 48, 12, 2)]


def test_hours_are_elapsed_hours_across_a_dst_change() -> None:
    toronto = ZoneInfo("America/Toronto")
    created = datetime(2027, 3, 14, 1, 30, tzinfo=toronto)  # 30 minutes before clocks jump to 03:00
    due = due_at(created, Priority.EMERGENCY)
    assert due - created.astimezone(UTC) == timedelta(hours=4)
    assert due.astimezone(toronto).strftime("%H:%M") == "06:30"  # 4 real hours, 5 on the wall clock


@pytest.mark.parametrize("bad", [
    {"emergency": 0}, {"low": -1}, {"low": 24 * 366 + 1}, {"emergency": 30},  # 30 > high's 24
    {"high": 100}, {"urgent": 1}, {"medium": "soon"},
])
def test_sla_hours_are_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SlaHours.model_validate(bad)


def test_equal_hours_are_allowed() -> None:
    assert SlaHours(emergency=24, high=24, medium=24, low=24).hours(Priority.LOW) == 24


DUE = CREATED + timedelta(hours=24)


@pytest.mark.parametrize(("status", "at", "expected"), [
    (Status.OPEN, DUE - timedelta(seconds=1), False),
    (Status.OPEN, DUE, False),  # due at 12:00 is not overdue at 12:00
    (Status.OPEN, DUE + timedelta(seconds=1), True),
    (Status.SCHEDULED, DUE + timedelta(hours=1), True),
    (Status.IN_PROGRESS, DUE + timedelta(hours=1), True),
    (Status.ON_HOLD, DUE + timedelta(hours=1), True),  # on hold, the tenant still waits
    (Status.COMPLETED, DUE + timedelta(days=9), False),
    (Status.CLOSED, DUE + timedelta(days=9), False),
    (Status.CANCELLED, DUE + timedelta(days=9), False),
])
def test_overdue(status: Status, at: datetime, expected: bool) -> None:
    assert overdue(DUE, status, at) is expected


def test_created_at_must_carry_its_zone() -> None:
    with pytest.raises(ValueError):
        due_at(datetime(2026, 12, 2, 15, 0), Priority.LOW)
