"""Rent arrears from the ledger: what an N4 claims, period by period, and whether it has been paid.

Reversals undo the entry they name (a reversed reversal lets its entry stand again). Payments and
credits are applied to rent charges oldest first, before anything else: an N4 may claim only rent
(RTA s.59(1)), and applying a payment to a fee first would overstate the rent owing, which can void
the notice. Charges count once their date has come; a payment counts whatever its date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from shared.notices.calendar import add_months
from shared.notices.models import (
    Arrears,
    ArrearsPeriod,
    Category,
    EntryKind,
    LedgerEntry,
    RentPeriod,
    money,
)

ZERO = Decimal("0.00")


def live_entries(entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """The entries that still count, in posting order: no reversal, and nothing a live reversal undid."""
    by_id = {entry.id: entry for entry in entries}
    undone_by: dict[str, list[str]] = {}
    for entry in entries:
        if entry.kind == EntryKind.REVERSAL and entry.reverses is not None:
            undone_by.setdefault(entry.reverses, []).append(entry.id)
    memo: dict[str, bool] = {}

    def stands(entry_id: str, seen: frozenset[str] = frozenset()) -> bool:
        if entry_id not in memo:
            reversals = [r for r in undone_by.get(entry_id, []) if r in by_id and r not in seen]
            memo[entry_id] = not any(stands(r, seen | {entry_id}) for r in reversals)
        return memo[entry_id]

    return [e for e in entries if e.kind != EntryKind.REVERSAL and stands(e.id)]


def period_end(start: date, rent_period: RentPeriod) -> date:
    """The last day of the rent period that starts (falls due) on `start`."""
    if rent_period == RentPeriod.MONTHLY:
        return add_months(start, 1) - timedelta(days=1)
    if rent_period == RentPeriod.WEEKLY:
        return start + timedelta(days=6)
    return start


def _credits(entries: Iterable[LedgerEntry]) -> Decimal:
    return sum((e.amount for e in entries if e.kind in (EntryKind.PAYMENT, EntryKind.CREDIT)), ZERO)


def rent_arrears(entries: Sequence[LedgerEntry], rent_period: RentPeriod, as_of: date) -> Arrears:
    """The N4 `details`: every period whose rent (charged on or before `as_of`) is not fully paid."""
    live = live_entries(entries)
    charged: dict[date, Decimal] = {}
    for entry in live:
        if entry.kind == EntryKind.CHARGE and entry.category == Category.RENT and entry.on <= as_of:
            charged[entry.on] = charged.get(entry.on, ZERO) + entry.amount
    pool = _credits(live)
    periods: list[ArrearsPeriod] = []
    for due_on in sorted(charged):
        paid = min(charged[due_on], pool)
        pool -= paid
        owing = charged[due_on] - paid
        if owing > ZERO:
            periods.append(ArrearsPeriod(from_on=due_on, to_on=period_end(due_on, rent_period),
                                         charged=charged[due_on], paid=paid, owing=owing))
    return Arrears(periods=tuple(periods), total=money(sum((p.owing for p in periods), ZERO)))


def tenancy_arrears(entries: Sequence[LedgerEntry], as_of: date) -> Decimal:
    """The contract's ledger `arrears`: charges dated on or before `as_of`, less every payment and credit."""
    live = live_entries(entries)
    due = sum((e.amount for e in live if e.kind == EntryKind.CHARGE and e.on <= as_of), ZERO)
    return money(max(due - _credits(live), ZERO))


def paid_in_full(entries: Sequence[LedgerEntry], as_of: date) -> bool:
    """Whether a payment has brought the arrears to 0.00: an N4 not yet completed is then void (RTA s.59(3))."""
    return tenancy_arrears(entries, as_of) == ZERO
