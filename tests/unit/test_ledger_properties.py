"""The rent ledger's arithmetic under any sequence of charges, payments, credits and reversals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.platform.money import ZERO
from shared.properties import ledger
from shared.properties.models import ChargeCategory, EntryKind, LedgerEntry, RentPeriod, Tenancy

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 2)


def tenancy() -> Tenancy:
    return Tenancy(id="T1", community_id="C1", property_id="P1", unit_id="U1", parties=(), start_on=date(2026, 1, 1),
                   rent=Decimal("1000.00"), rent_period=RentPeriod.MONTHLY, rent_due_day=1, rent_from=date(2026, 1, 1),
                   created_at="x", updated_at="x")


def draft(kind: EntryKind, amount: Decimal, on: date, **extra: object) -> LedgerEntry:
    return LedgerEntry(id="", tenancy_id="T1", kind=kind, amount=amount, on=on, description="d",
                       balance_after=ZERO, posted_at="", **extra)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
operations = st.lists(st.tuples(st.sampled_from(["charge", "payment", "credit", "reverse"]), amounts,
                                st.integers(min_value=-60, max_value=60), st.integers(min_value=0, max_value=10_000)),
                      min_size=1, max_size=40)


def post_all(ops: list[tuple[str, Decimal, int, int]]) -> tuple[Tenancy, list[LedgerEntry]]:
    """Post the operations one at a time, as the service does (a reversal picks an unreversed entry)."""
    current, posted, reversed_ids = tenancy(), list[LedgerEntry](), set[str]()
    for kind, amount, offset, pick in ops:
        on = TODAY + timedelta(days=offset)
        reversed_on = None
        if kind == "reverse":
            candidates = [e for e in posted if e.kind != EntryKind.REVERSAL and e.id not in reversed_ids]
            if not candidates:
                continue
            target = candidates[pick % len(candidates)]
            reversed_ids.add(target.id)
            reversed_on = {target.id: target.on}
            new = draft(EntryKind.REVERSAL, target.amount, TODAY, reverses=target.id, reverses_kind=target.kind)
        else:
            new = draft(EntryKind(kind), amount, on, category=ChargeCategory.RENT if kind == "charge" else None)
        current, entries = ledger.apply(current, [new], today=TODAY, now="now", reversed_on=reversed_on)
        posted.extend(entries)
    return current, posted


@settings(max_examples=300, deadline=None)
@given(operations)
def test_balance_is_the_sum_of_the_entries_and_the_last_balance_after(ops: list[tuple[str, Decimal, int, int]]) -> None:
    final, posted = post_all(ops)
    assert final.balance == ledger.total(posted)
    assert final.balance == (posted[-1].balance_after if posted else ZERO)
    running = ZERO
    for entry in posted:  # every balance_after is the sum so far: nothing drifts along the way
        running += entry.effect
        assert entry.balance_after == running
    assert [e.id for e in posted] == sorted(e.id for e in posted)  # id order is posting order
    assert final.entry_count == len(posted) and final.version == 1 + len(posted)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_arrears_are_the_balance_less_live_charges_not_yet_due(ops: list[tuple[str, Decimal, int, int]]) -> None:
    final, posted = post_all(ops)
    reversed_ids = {e.reverses for e in posted if e.kind == EntryKind.REVERSAL}
    not_due = sum((e.amount for e in posted if e.kind == EntryKind.CHARGE and e.on > TODAY
                   and e.id not in reversed_ids), ZERO)
    assert final.arrears_on(TODAY) == max(final.balance - not_due, ZERO)
    far = TODAY + timedelta(days=365)  # once every charge has fallen due, arrears are the balance owed
    assert final.arrears_on(far) == max(final.balance, ZERO)


def test_a_hand_computed_ledger() -> None:
    ops = [("charge", Decimal("1000.00"), -30, 0), ("charge", Decimal("50.00"), 0, 0),
           ("charge", Decimal("1000.00"), 30, 0), ("payment", Decimal("600.00"), 0, 0), ("reverse", ZERO, 0, 1)]
    final, posted = post_all(ops)
    assert [str(e.balance_after) for e in posted] == ["1000.00", "1050.00", "2050.00", "1450.00", "1400.00"]
    assert final.arrears_on(TODAY) == Decimal("400.00")


def test_entry_ids_only_grow_even_when_the_clock_does_not() -> None:
    far_future = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"
    following = ledger.next_entry_id(far_future[:-1] + "Y")
    assert following > far_future[:-1] + "Y"


def test_rent_arrears_by_period_settle_oldest_first() -> None:
    entries = []
    current = tenancy()
    for month in (9, 10, 11):
        due = date(2026, month, 1)
        current, posted = ledger.apply(current, [draft(EntryKind.CHARGE, Decimal("1000.00"), due,
                                                       category=ChargeCategory.RENT, period_start=due,
                                                       period_end=date(2026, month + 1, 1) - timedelta(days=1))],
                                       today=TODAY, now="n")
        entries += posted
    current, posted = ledger.apply(current, [draft(EntryKind.PAYMENT, Decimal("1500.00"), date(2026, 10, 5))],
                                   today=TODAY, now="n")
    entries += posted
    owing = ledger.rent_arrears_by_period(entries, today=TODAY)
    assert [(p.period_start.month, p.owing) for p in owing] == [(10, Decimal("500.00")), (11, Decimal("1000.00"))]
    assert sum((p.owing for p in owing), ZERO) == current.arrears_on(TODAY)
