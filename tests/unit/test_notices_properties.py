"""Properties the tables cannot enumerate: the earliest date always passes and the day before never does;
arrears always add up and are paid oldest first."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.notices import arrears, evaluate, rules
from shared.notices.models import NoticeType, RentPeriod, ServiceMethod
from tests.support.notices import pay, rent, reverse, tenancy

pytestmark = pytest.mark.unit
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
METHODS = st.sampled_from(list(ServiceMethod))
PERIODS = st.sampled_from(list(RentPeriod))
DATE_RULES = {rules.N1_NOTICE_PERIOD, rules.N1_TWELVE_MONTHS, rules.N4_TERMINATION, rules.N11_TERMINATION}


@settings(max_examples=150, deadline=None)
@given(served=DAYS, method=METHODS, period=PERIODS, notice=st.sampled_from(list(NoticeType)),
       start_back=st.integers(min_value=0, max_value=800))
def test_the_earliest_date_passes_and_the_day_before_fails(served: date, method: ServiceMethod, period: RentPeriod,
                                                           notice: NoticeType, start_back: int) -> None:
    t = tenancy(start_on=served - timedelta(days=start_back), rent_period=period, email_service_consent=True)
    earliest = evaluate.calculate(notice, t, served, method).earliest_effective_on

    def date_failures(effective: date) -> set[str]:
        result = evaluate.evaluate(notice, t, served, method, effective, new_rent=t.rent + 1,
                                   ledger=[rent("r", (served - timedelta(days=1)).isoformat())],
                                   landlord_signed_on=served)
        return {c.rule for c in result.failed} & DATE_RULES

    assert date_failures(earliest) == set()
    assert date_failures(earliest - timedelta(days=1))


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000"), places=2)


@settings(max_examples=200, deadline=None)
@given(charges=st.lists(amounts, min_size=0, max_size=8), payments=st.lists(amounts, max_size=8),
       reversed_payments=st.sets(st.integers(min_value=0, max_value=7)))
def test_arrears_add_up_and_are_paid_oldest_first(charges: list[Decimal], payments: list[Decimal],
                                                  reversed_payments: set[int]) -> None:
    ledger = [rent(f"c{i}", (date(2026, 1, 1) + timedelta(days=31 * i)).isoformat(), str(a))
              for i, a in enumerate(charges)]
    ledger += [pay(f"p{i}", "2026-01-02", str(a)) for i, a in enumerate(payments)]
    ledger += [reverse(f"x{i}", f"p{i}") for i in reversed_payments if i < len(payments)]
    result = arrears.rent_arrears(ledger, RentPeriod.MONTHLY, date(2026, 12, 31))
    paid = sum((a for i, a in enumerate(payments) if i not in reversed_payments), Decimal("0"))
    assert result.total == max(sum(charges, Decimal("0")) - paid, Decimal("0"))
    assert all(p.charged == p.paid + p.owing and p.owing > 0 for p in result.periods)
    assert all(p.paid == 0 for p in result.periods[1:])  # only the oldest unpaid period can be part-paid
    assert result.total == arrears.tenancy_arrears(ledger, date(2026, 12, 31))
