"""Rent due dates, pure: which periods a tenancy owes rent for, up to a day.

- monthly: on `rent_due_day` (1–28) of every month;
- weekly: on weekday `rent_due_day` (Monday = 1);
- daily: every day.

Rent is charged on a due date that falls within the tenancy (`start_on`..`end_on`) and on or after
`rent_from` (the day the tenancy was created, unless a caller such as the demo seed backdates it).
`rent_charged_through` remembers the last due date charged, so the job charges each due date once
and, after a missed run, catches up every due date since (at most `MAX_CATCH_UP` at a time). Each
charge names its period (from its due date to the day before the next one, or the tenancy's end).
A partial first or last period is charged in full: a prorated amount is a charge entered by hand.
"""

from __future__ import annotations

from datetime import date, timedelta

from shared.properties.models import ChargeCategory, EntryKind, LedgerEntry, RentPeriod, Tenancy

MAX_CATCH_UP = 62  # due dates charged per tenancy per run (two months of daily rent)
RENT_JOB = "rent-job"


def _first_of_next_month(day: date) -> date:
    return date(day.year + (day.month // 12), day.month % 12 + 1, 1)


def next_due(tenancy: Tenancy, on_or_after: date) -> date:
    """The first due date on or after `on_or_after` (whatever the tenancy's dates)."""
    if tenancy.rent_period == RentPeriod.DAILY:
        return on_or_after
    if tenancy.rent_period == RentPeriod.WEEKLY:
        weekday = tenancy.rent_due_day or 1
        return on_or_after + timedelta(days=(weekday - on_or_after.isoweekday()) % 7)
    due_day = tenancy.rent_due_day or 1
    candidate = on_or_after.replace(day=due_day)
    return candidate if candidate >= on_or_after else _first_of_next_month(on_or_after).replace(day=due_day)


def due_dates(tenancy: Tenancy, through: date, *, limit: int = MAX_CATCH_UP) -> list[date]:
    """The due dates not charged yet, up to and including `through`, oldest first."""
    start = max(tenancy.start_on, tenancy.rent_from)
    if tenancy.rent_charged_through is not None:
        start = max(start, tenancy.rent_charged_through + timedelta(days=1))
    last = through if tenancy.end_on is None else min(through, tenancy.end_on)
    found: list[date] = []
    day = next_due(tenancy, start)
    while day <= last and len(found) < limit:
        found.append(day)
        day = next_due(tenancy, day + timedelta(days=1))
    return found


def period_end(tenancy: Tenancy, due: date) -> date:
    end = next_due(tenancy, due + timedelta(days=1)) - timedelta(days=1)
    return end if tenancy.end_on is None else min(end, tenancy.end_on)


def drafts(tenancy: Tenancy, through: date) -> list[LedgerEntry]:
    """The rent charges owed through `through` and not charged yet (ids and balances come from
    `ledger.apply`)."""
    entries = []
    for due in due_dates(tenancy, through):
        end = period_end(tenancy, due)
        label = due.isoformat() if end == due else f"{due.isoformat()} to {end.isoformat()}"
        entries.append(LedgerEntry(
            id="", tenancy_id=tenancy.id, kind=EntryKind.CHARGE, category=ChargeCategory.RENT, amount=tenancy.rent,
            on=due, description=f"Rent {label}", period_start=due, period_end=end, balance_after=tenancy.balance,
            posted_by=RENT_JOB, posted_at=""))
    return entries
