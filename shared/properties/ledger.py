"""The rent ledger's arithmetic, pure: posting entries onto a tenancy's running totals.

`apply` is the only place a balance changes: each entry gets the next id (ULIDs that only grow
within a tenancy, so the key order is the posting order) and its `balance_after`, and the tenancy
gets the new `balance`, its charges not yet due (`future_charges`) and a new version. The
repository writes the result in one transaction conditional on the version read (see
`repository.post`), so two postings can never both build on the same balance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ulid import ULID

from shared.platform.money import ZERO
from shared.properties.models import ChargeCategory, EntryKind, LedgerEntry, Tenancy


def next_entry_id(last: str | None) -> str:
    """A new ULID, bumped past `last` if the clock would put it before (posting order = id order)."""
    fresh = ULID()
    if last is not None:
        previous = ULID.from_str(last)
        if int(fresh) <= int(previous):
            fresh = ULID.from_int(int(previous) + 1)
    return str(fresh)


def apply(tenancy: Tenancy, drafts: Iterable[LedgerEntry], *, today: date, now: str,
          reversed_on: Mapping[str, date] | None = None) -> tuple[Tenancy, list[LedgerEntry]]:
    """The tenancy after posting `drafts` (in order), and the entries as they will be stored.

    A draft's `id` and `balance_after` are ignored and assigned here. `reversed_on` gives the date
    of each entry a reversal undoes: reversing a charge dated after today takes it out of the
    charges not yet due as well as out of the balance.
    """
    cutoff = today.isoformat()
    future = {on: amount for on, amount in tenancy.future_charges.items() if on > cutoff}
    balance, last = tenancy.balance, tenancy.last_entry_id
    posted: list[LedgerEntry] = []
    for draft in drafts:
        last = next_entry_id(last)
        balance += draft.effect
        if draft.kind == EntryKind.CHARGE and draft.on > today:
            key = draft.on.isoformat()
            future[key] = future.get(key, ZERO) + draft.amount
        if draft.kind == EntryKind.REVERSAL and draft.reverses_kind == EntryKind.CHARGE and draft.reverses:
            undone = (reversed_on or {}).get(draft.reverses)
            if undone is not None and undone > today:
                key = undone.isoformat()
                left = future.get(key, ZERO) - draft.amount
                if left > 0:
                    future[key] = left
                else:
                    future.pop(key, None)
        posted.append(draft.model_copy(update={"id": last, "balance_after": balance, "posted_at": now}))
    updated = tenancy.model_copy(update={
        "balance": balance, "future_charges": future, "entry_count": tenancy.entry_count + len(posted),
        "last_entry_id": last, "version": tenancy.version + 1, "updated_at": now})
    return updated, posted


def total(entries: Iterable[LedgerEntry]) -> Decimal:
    """The balance a ledger adds up to (what `Tenancy.balance` must always equal)."""
    return sum((e.effect for e in entries), ZERO)


@dataclass(frozen=True)
class PeriodArrears:
    """Rent charged for one period, what has been paid against it, and what is still owing."""

    period_start: date
    period_end: date | None
    charged: Decimal
    paid: Decimal

    @property
    def owing(self) -> Decimal:
        return self.charged - self.paid


def rent_arrears_by_period(entries: Iterable[LedgerEntry], *, today: date) -> list[PeriodArrears]:
    """Rent still owing, by rent period, oldest first (what an N4 lists).

    Reversed entries drop out; payments and credits settle the oldest charges due by `today`
    first (rent and other charges alike, in date order), and what they leave unpaid of each rent
    period is its arrears. Charges dated after `today` are not yet owing.
    """
    kept = list(entries)
    reversed_ids = {e.reverses for e in kept if e.kind == EntryKind.REVERSAL and e.reverses}
    live = [e for e in kept if e.kind != EntryKind.REVERSAL and e.id not in reversed_ids]
    charges = sorted((e for e in live if e.kind == EntryKind.CHARGE and e.on <= today), key=lambda e: (e.on, e.id))
    paid_total = sum((e.amount for e in live if e.kind != EntryKind.CHARGE), ZERO)
    result: list[PeriodArrears] = []
    for charge in charges:
        settled = min(charge.amount, paid_total)
        paid_total -= settled
        if charge.category == ChargeCategory.RENT and settled < charge.amount:
            result.append(PeriodArrears(period_start=charge.period_start or charge.on, period_end=charge.period_end,
                                        charged=charge.amount, paid=settled))
    return result
