"""Rent due dates (monthly, weekly, daily; catch-up; tenancy bounds), the scope rules, money parsing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.platform import money
from shared.platform.context import Caller
from shared.platform.errors import Forbidden, NotFound
from shared.properties import rent, scope
from shared.properties.models import RentPeriod, Tenancy
from shared.spec.permissions import Role

pytestmark = pytest.mark.unit


def lease(period: RentPeriod, due_day: int | None, *, start: str = "2026-01-15", end: str | None = None,
          rent_from: str = "2026-01-15", charged: str | None = None) -> Tenancy:
    return Tenancy(id="T", community_id="C", property_id="P", unit_id="U", parties=(),
                   start_on=date.fromisoformat(start),
                   end_on=date.fromisoformat(end) if end else None, rent=Decimal("100.00"), rent_period=period,
                   rent_due_day=due_day, rent_from=date.fromisoformat(rent_from),
                   rent_charged_through=date.fromisoformat(charged) if charged else None, created_at="x",
                   updated_at="x")


@pytest.mark.parametrize(("tenancy", "through", "expected"), [
    # monthly on the 1st from mid-January: Feb 1 and Mar 1
    (lease(RentPeriod.MONTHLY, 1), "2026-03-01", ["2026-02-01", "2026-03-01"]),
    # already charged through Feb 1: only Mar 1
    (lease(RentPeriod.MONTHLY, 1, charged="2026-02-01"), "2026-03-20", ["2026-03-01"]),
    # the due day itself is charged on the day; the 28th across a year end
    (lease(RentPeriod.MONTHLY, 28, start="2026-12-01", rent_from="2026-12-01"), "2027-01-28",
     ["2026-12-28", "2027-01-28"]),
    # weekly on Mondays (2026-01-19 is a Monday)
    (lease(RentPeriod.WEEKLY, 1), "2026-02-01", ["2026-01-19", "2026-01-26"]),
    # daily, bounded by the tenancy's end
    (lease(RentPeriod.DAILY, None, end="2026-01-17"), "2026-02-01", ["2026-01-15", "2026-01-16", "2026-01-17"]),
    # never before rent_from (the day the tenancy was created)
    (lease(RentPeriod.MONTHLY, 1, start="2025-06-01", rent_from="2026-01-15"), "2026-02-01", ["2026-02-01"]),
    # nothing due yet
    (lease(RentPeriod.MONTHLY, 1), "2026-01-31", []),
])
def test_due_dates(tenancy: Tenancy, through: str, expected: list[str]) -> None:
    assert [d.isoformat() for d in rent.due_dates(tenancy, date.fromisoformat(through))] == expected


def test_catch_up_is_bounded_and_periods_are_named() -> None:
    daily = lease(RentPeriod.DAILY, None, start="2025-01-01", rent_from="2025-01-01")
    assert len(rent.due_dates(daily, date(2026, 1, 1))) == rent.MAX_CATCH_UP
    monthly = lease(RentPeriod.MONTHLY, 1, end="2026-03-10")
    drafts = rent.drafts(monthly, date(2026, 3, 31))
    assert [(d.period_start, d.period_end) for d in drafts] == [
        (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 10))]
    assert all(d.amount == Decimal("100.00") and d.category == "rent" for d in drafts)


def caller(role: Role) -> Caller:
    return Caller(user_id="U1", community_id="C1", role=role, session_id="S")


def test_scope_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    assigned: dict[str, list[str] | None] = {"U1": None}
    monkeypatch.setattr(scope.repository, "assigned_properties", lambda cid, uid: assigned[uid])
    assert scope.scope_of(caller(Role.ADMIN)).community_wide
    assert scope.scope_of(caller(Role.MANAGER)).community_wide  # no assignments: the whole community
    assert scope.scope_of(caller(Role.PROPERTY_OWNER)).properties == frozenset()  # nothing: deny by default
    assert scope.scope_of(caller(Role.SUPER_ADMIN)).properties == frozenset()
    with pytest.raises(NotFound):
        scope.authorize(caller(Role.PROPERTY_OWNER), "P1")
    assigned["U1"] = ["P1"]
    assert scope.authorize(caller(Role.MANAGER), "P1", write=True).scoped
    with pytest.raises(NotFound):
        scope.authorize(caller(Role.MANAGER), "P2")
    with pytest.raises(Forbidden):
        scope.authorize(caller(Role.PROPERTY_OWNER), "P1", write=True)
    with pytest.raises(Forbidden):
        scope.authorize(caller(Role.BOARD), "P9", write=True)
    assert not scope.scope_of(caller(Role.PROPERTY_OWNER)).contact_details


def test_a_resident_reaches_only_tenancies_they_are_a_party_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scope, "_resident_of", lambda c: "R1")
    tenant = caller(Role.TENANT)
    assert scope.authorize(tenant, "P1", party_ids=["R1", "R2"]).resident_id == "R1"
    with pytest.raises(NotFound):
        scope.authorize(tenant, "P1", party_ids=["R2"])
    with pytest.raises(NotFound):
        scope.authorize(tenant, "P1")  # a property itself: never


@pytest.mark.parametrize(("raw", "expected"), [("125.5", "125.50"), (3, "3.00"), ("1,250.00", "1250.00"),
                                               (12.25, "12.25")])
def test_money_parses_exactly(raw: object, expected: str) -> None:
    assert money.text(money.parse(raw)) == expected


@pytest.mark.parametrize("raw", ["1.005", "abc", "NaN", True, None, "10000000.01"])
def test_money_refuses(raw: object) -> None:
    with pytest.raises(ValueError):
        money.parse(raw)
    with pytest.raises(ValueError):
        money.parse("0", positive=True)
