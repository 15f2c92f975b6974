"""The ledger as stored: for any sequence of charges, payments, credits and reversals posted through the
ledger service on moto, the tenancy's stored balance is the sum of the stored entries and equals the
last entry's `balance_after` (hypothesis, a fresh tenancy per example)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.platform import clock, db, ids
from shared.platform.money import ZERO
from shared.properties import ledger, ledger_service, repository
from shared.properties.models import EntryKind, LedgerEntry, Party, RentPeriod, Span, Tenancy, Unit

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 2)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000.00"), places=2)
operations = st.lists(st.tuples(st.sampled_from(["charge", "payment", "credit", "reverse"]), amounts,
                                st.integers(min_value=-40, max_value=40), st.integers(min_value=0, max_value=999)),
                      min_size=1, max_size=12)


def _tenancy() -> Tenancy:
    now = clock.iso()
    tenancy = Tenancy(id=ids.new_id(), community_id="01HYPOTHESIS", property_id="P", unit_id=ids.new_id(),
                      parties=(Party(resident_id="R", lead=True),), start_on=date(2026, 1, 1), rent=Decimal("1.00"),
                      rent_period=RentPeriod.DAILY, rent_from=date(2026, 1, 1), created_at=now, updated_at=now)
    unit = Unit(id=tenancy.unit_id, community_id=tenancy.community_id, property_id="P", label=tenancy.id,
                created_at=now, updated_at=now)
    db.bind()
    repository._unit_item(unit).save()
    repository.save_tenancy(None, tenancy, unit_before=unit, unit_after=unit.model_copy(update={
        "version": 2, "spans": (Span(tenancy_id=tenancy.id, start_on=tenancy.start_on),)}))
    return tenancy


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_stored_balance_never_drifts_from_the_stored_entries(aws_env: dict[str, Any],
                                                             ops: list[tuple[str, Decimal, int, int]]) -> None:
    tenancy = _tenancy()
    reversed_ids: set[str] = set()
    for kind, amount, offset, pick in ops:
        current = repository.get_tenancy(tenancy.community_id, tenancy.id)
        assert current is not None
        posted = list(repository.entries(tenancy.community_id, tenancy.id))
        reversed_on = None
        if kind == "reverse":
            candidates = [e for e in posted if e.kind != EntryKind.REVERSAL and e.id not in reversed_ids]
            if not candidates:
                continue
            target = candidates[pick % len(candidates)]
            reversed_ids.add(target.id)
            reversed_on = {target.id: target.on}
            draft = LedgerEntry(id="", tenancy_id=tenancy.id, kind=EntryKind.REVERSAL, amount=target.amount, on=TODAY,
                                description="r", reverses=target.id, reverses_kind=target.kind, balance_after=ZERO,
                                posted_at="")
        else:
            draft = LedgerEntry(id="", tenancy_id=tenancy.id, kind=EntryKind(kind), amount=amount,
                                on=TODAY + timedelta(days=offset), description=kind, balance_after=ZERO, posted_at="")
        ledger_service.post_drafts(current, lambda _, d=draft: [d], today=TODAY, reversed_on=reversed_on)
    stored = repository.get_tenancy(tenancy.community_id, tenancy.id)
    entries = list(repository.entries(tenancy.community_id, tenancy.id))
    assert stored is not None
    assert stored.balance == ledger.total(entries) == (entries[-1].balance_after if entries else ZERO)
    assert stored.entry_count == len(entries)
