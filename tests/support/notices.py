"""Small builders for the notice rules' inputs, so each table row states only what it is about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.notices.models import Category, EntryKind, LedgerEntry, Party, RentPeriod, Tenancy


def d(text: str) -> date:
    return date.fromisoformat(text)


def tenancy(**values: object) -> Tenancy:
    base: dict[str, object] = {
        "id": "t1", "unit_id": "u1", "start_on": date(2024, 3, 1), "rent": Decimal("1500.00"),
        "rent_period": RentPeriod.MONTHLY, "rent_due_day": 1,
        "parties": (Party(resident_id="r1", name="Ann Tenant", lead=True),),
    }
    return Tenancy.model_validate(base | values)


def rent(entry_id: str, on: str, amount: str = "1500.00") -> LedgerEntry:
    return LedgerEntry(id=entry_id, kind=EntryKind.CHARGE, category=Category.RENT, amount=Decimal(amount), on=d(on))


def fee(entry_id: str, on: str, amount: str) -> LedgerEntry:
    return LedgerEntry(id=entry_id, kind=EntryKind.CHARGE, category=Category.FEE, amount=Decimal(amount), on=d(on))


def pay(entry_id: str, on: str, amount: str) -> LedgerEntry:
    return LedgerEntry(id=entry_id, kind=EntryKind.PAYMENT, amount=Decimal(amount), on=d(on))


def credit(entry_id: str, on: str, amount: str) -> LedgerEntry:
    return LedgerEntry(id=entry_id, kind=EntryKind.CREDIT, amount=Decimal(amount), on=d(on))


def reverse(entry_id: str, target: str, on: str = "2026-11-20") -> LedgerEntry:
    return LedgerEntry(id=entry_id, kind=EntryKind.REVERSAL, amount=Decimal("0"), on=d(on), reverses=target)


def monthly_rent(first: str, months: int, amount: str = "1500.00") -> list[LedgerEntry]:
    """Rent charged on the same day of `months` consecutive months from `first`."""
    start = d(first)
    out = []
    for i in range(months):
        year, month = divmod(start.month - 1 + i, 12)
        out.append(rent(f"r{i}", date(start.year + year, month + 1, start.day).isoformat(), amount))
    return out
