"""N4 (non-payment of rent): arrears by rent period from the ledger, the due-date rule and the 14/7 days of s.59."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.notices import arrears, evaluate, n4, rules
from shared.notices.models import Arrears, ArrearsPeriod, LedgerEntry, NoticeType, RentPeriod, ServiceMethod
from shared.notices.rules import BOOK, NoRuleInForce
from tests.support.notices import credit, d, fee, monthly_rent, pay, rent, reverse, tenancy

pytestmark = pytest.mark.unit
AS_OF = d("2026-12-02")


def table(result: Arrears) -> list[tuple[str, str, str, str, str]]:
    return [(p.from_on.isoformat(), p.to_on.isoformat(), str(p.charged), str(p.paid), str(p.owing))
            for p in result.periods]


# (ledger, expected periods (from, to, charged, paid, owing), total)
ARREARS = [
    pytest.param([], [], "0.00", id="empty"),
    pytest.param(monthly_rent("2026-10-01", 2), [
        ("2026-10-01", "2026-10-31", "1500.00", "0.00", "1500.00"),
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "3000.00", id="two-months-unpaid"),
    pytest.param([*monthly_rent("2026-10-01", 2), pay("p1", "2026-10-03", "1500.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="oldest-paid-first"),
    pytest.param([*monthly_rent("2026-10-01", 2), pay("p1", "2026-11-20", "2000.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "500.00", "1000.00")], "1000.00", id="late-payment-oldest-first"),
    pytest.param([*monthly_rent("2026-09-01", 3), pay("p1", "2026-09-02", "700.00"), pay("p2", "2026-10-02", "700.00")],
                 [("2026-09-01", "2026-09-30", "1500.00", "1400.00", "100.00"),
                  ("2026-10-01", "2026-10-31", "1500.00", "0.00", "1500.00"),
                  ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "3100.00", id="partial-payments"),
    pytest.param([*monthly_rent("2026-10-01", 2), pay("p1", "2026-10-01", "3000.00")], [], "0.00", id="paid-up"),
    pytest.param([*monthly_rent("2026-10-01", 2), pay("p1", "2026-10-01", "3500.00")], [], "0.00", id="overpaid"),
    pytest.param([*monthly_rent("2026-10-01", 2), pay("p1", "2026-10-01", "3000.00"), reverse("x1", "p1")], [
        ("2026-10-01", "2026-10-31", "1500.00", "0.00", "1500.00"),
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "3000.00", id="bounced-payment-reversed"),
    pytest.param([*monthly_rent("2026-10-01", 2), reverse("x1", "r0")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="charge-reversed"),
    pytest.param([*monthly_rent("2026-10-01", 2), pay("p1", "2026-10-01", "1500.00"), reverse("x1", "p1"),
                  reverse("x2", "x1")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="reversal-reversed"),
    pytest.param([*monthly_rent("2026-10-01", 2), reverse("x1", "missing")], [
        ("2026-10-01", "2026-10-31", "1500.00", "0.00", "1500.00"),
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "3000.00", id="reversal-of-unknown-entry"),
    pytest.param([*monthly_rent("2026-11-01", 1), fee("f1", "2026-10-15", "50.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="fees-are-not-claimed"),
    pytest.param([fee("f1", "2026-10-15", "50.00"), *monthly_rent("2026-11-01", 1), pay("p1", "2026-11-02", "1500.00")],
                 [], "0.00", id="payments-go-to-rent-before-fees"),
    pytest.param([*monthly_rent("2026-11-01", 1), credit("c1", "2026-11-05", "200.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "200.00", "1300.00")], "1300.00", id="credit-applied"),
    pytest.param([rent("a", "2026-11-01"), rent("b", "2026-12-15")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="future-charge-not-due"),
    pytest.param([rent("a", "2026-11-01", "1000.00"), rent("b", "2026-11-01", "500.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="same-day-charges-one-period"),
    pytest.param([rent("a", "2026-11-01", "1500.00"), pay("p1", "2026-12-24", "400.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "400.00", "1100.00")], "1100.00", id="post-dated-payment-counts"),
    pytest.param([rent("a", "2026-01-31"), rent("b", "2026-02-28")], [
        ("2026-01-31", "2026-02-27", "1500.00", "0.00", "1500.00"),
        ("2026-02-28", "2026-03-27", "1500.00", "0.00", "1500.00")], "3000.00", id="month-end-periods"),
    pytest.param([rent("a", "2026-11-15", "1234.56"), pay("p1", "2026-11-16", "0.01")], [
        ("2026-11-15", "2026-12-14", "1234.56", "0.01", "1234.55")], "1234.55", id="cents"),
    pytest.param([rent("b", "2026-11-01"), rent("a", "2026-10-01"), pay("p1", "2026-11-01", "1500.00")], [
        ("2026-11-01", "2026-11-30", "1500.00", "0.00", "1500.00")], "1500.00", id="posted-out-of-date-order"),
]


@pytest.mark.parametrize(("ledger", "expected", "total"), ARREARS)
def test_rent_arrears_by_period(ledger: list[LedgerEntry], expected: list[tuple[str, ...]], total: str) -> None:
    result = arrears.rent_arrears(ledger, RentPeriod.MONTHLY, AS_OF)
    assert table(result) == expected
    assert str(result.total) == total
    assert result.total == sum((p.owing for p in result.periods), Decimal("0.00"))


@pytest.mark.parametrize(
    ("rent_period", "start", "end"),
    [
        (RentPeriod.MONTHLY, "2026-11-01", "2026-11-30"),
        (RentPeriod.MONTHLY, "2026-02-01", "2026-02-28"),
        (RentPeriod.MONTHLY, "2028-02-01", "2028-02-29"),
        (RentPeriod.MONTHLY, "2026-12-15", "2027-01-14"),
        (RentPeriod.MONTHLY, "2026-01-31", "2026-02-27"),
        (RentPeriod.WEEKLY, "2026-11-02", "2026-11-08"),
        (RentPeriod.WEEKLY, "2026-12-28", "2027-01-03"),
        (RentPeriod.DAILY, "2026-11-02", "2026-11-02"),
    ],
)
def test_period_ends(rent_period: RentPeriod, start: str, end: str) -> None:
    assert arrears.period_end(d(start), rent_period) == d(end)


def test_weekly_arrears_show_weekly_periods() -> None:
    ledger = [rent(f"w{i}", (date(2026, 11, 2) + timedelta(weeks=i)).isoformat(), "400.00") for i in range(4)]
    result = arrears.rent_arrears([*ledger, pay("p", "2026-11-03", "500.00")], RentPeriod.WEEKLY, AS_OF)
    assert table(result) == [
        ("2026-11-09", "2026-11-15", "400.00", "100.00", "300.00"),
        ("2026-11-16", "2026-11-22", "400.00", "0.00", "400.00"),
        ("2026-11-23", "2026-11-29", "400.00", "0.00", "400.00"),
    ]
    assert result.total == Decimal("1100.00")


def test_arrears_serialise_as_the_contract_says() -> None:
    result = arrears.rent_arrears(monthly_rent("2026-11-01", 1), RentPeriod.MONTHLY, AS_OF)
    assert result.model_dump(mode="json") == {"periods": [{"from": "2026-11-01", "to": "2026-11-30",
                                                           "charged": "1500.00", "paid": "0.00",
                                                           "owing": "1500.00"}], "total": "1500.00"}


# (ledger, as of, tenancy arrears): every charge due, less every payment and credit.
TENANCY_ARREARS = [
    ([], "2026-12-02", "0.00"),
    (monthly_rent("2026-10-01", 2), "2026-12-02", "3000.00"),
    (monthly_rent("2026-10-01", 2), "2026-10-31", "1500.00"),
    ([*monthly_rent("2026-10-01", 2), fee("f", "2026-11-02", "50.00")], "2026-12-02", "3050.00"),
    ([*monthly_rent("2026-10-01", 2), pay("p", "2026-11-02", "3000.00")], "2026-12-02", "0.00"),
    ([*monthly_rent("2026-10-01", 2), pay("p", "2026-11-02", "3100.00")], "2026-12-02", "0.00"),
    ([*monthly_rent("2026-10-01", 3), pay("p", "2026-11-02", "3000.00")], "2026-11-30", "0.00"),
    ([*monthly_rent("2026-10-01", 3), pay("p", "2026-11-02", "3000.00")], "2026-12-01", "1500.00"),
    ([*monthly_rent("2026-10-01", 2), pay("p", "2026-11-02", "3000.00"), reverse("x", "p")], "2026-12-02", "3000.00"),
    ([*monthly_rent("2026-10-01", 2), credit("c", "2026-11-02", "99.99")], "2026-12-02", "2900.01"),
]


@pytest.mark.parametrize(("ledger", "as_of", "expected"), TENANCY_ARREARS)
def test_tenancy_arrears_and_voiding_by_payment(ledger: list[LedgerEntry], as_of: str, expected: str) -> None:
    assert str(arrears.tenancy_arrears(ledger, d(as_of))) == expected
    assert arrears.paid_in_full(ledger, d(as_of)) is (expected == "0.00")


# (rent period, method, served, earliest termination)
TERMINATION = [
    (RentPeriod.MONTHLY, ServiceMethod.HAND, "2026-11-02", "2026-11-16"),
    (RentPeriod.WEEKLY, ServiceMethod.HAND, "2026-11-02", "2026-11-09"),
    (RentPeriod.DAILY, ServiceMethod.HAND, "2026-11-02", "2026-11-09"),
    (RentPeriod.MONTHLY, ServiceMethod.MAIL, "2026-11-02", "2026-11-21"),  # deemed Saturday 11-07 + 14
    (RentPeriod.WEEKLY, ServiceMethod.MAIL, "2026-11-02", "2026-11-14"),
    (RentPeriod.DAILY, ServiceMethod.MAIL, "2026-11-02", "2026-11-14"),
    (RentPeriod.MONTHLY, ServiceMethod.COURIER, "2026-05-15", "2026-06-02"),  # deemed 05-19
    (RentPeriod.WEEKLY, ServiceMethod.COURIER, "2026-05-15", "2026-05-26"),
    (RentPeriod.MONTHLY, ServiceMethod.MAILBOX, "2026-12-20", "2027-01-03"),
    (RentPeriod.MONTHLY, ServiceMethod.EMAIL, "2026-11-02", "2026-11-16"),
    (RentPeriod.MONTHLY, ServiceMethod.MAIL, "2026-12-27", "2027-01-15"),
    (RentPeriod.WEEKLY, ServiceMethod.COURIER, "2026-12-24", "2027-01-05"),
]


@pytest.mark.parametrize(("rent_period", "method", "served", "earliest"), TERMINATION)
def test_n4_termination_14_days_or_7_for_daily_and_weekly(rent_period: RentPeriod, method: ServiceMethod,
                                                          served: str, earliest: str) -> None:
    t = tenancy(rent_period=rent_period, email_service_consent=True)
    ledger = [rent("r", (d(served) - timedelta(days=3)).isoformat())]
    assert evaluate.calculate(NoticeType.N4, t, d(served), method).earliest_effective_on == d(earliest)
    on_time = evaluate.evaluate(NoticeType.N4, t, d(served), method, d(earliest), ledger=ledger)
    assert on_time.ok, on_time.failed
    early = evaluate.evaluate(NoticeType.N4, t, d(served), method, d(earliest) - timedelta(days=1), ledger=ledger)
    assert [(c.rule, c.citation) for c in early.failed] == [(rules.N4_TERMINATION, "RTA s.59(1)")]
    assert rent_period.value in early.failed[0].message


# (due, served, ok): served no earlier than the day after the rent fell due.
DUE_DATE = [
    ("2026-11-01", "2026-11-01", False),  # on the due date
    ("2026-11-01", "2026-11-02", True),
    ("2026-11-01", "2026-11-15", True),
    ("2026-11-15", "2026-11-15", False),
    ("2026-11-15", "2026-11-16", True),
    ("2026-12-01", "2026-12-01", False),
    ("2026-12-01", "2026-12-02", True),
]


@pytest.mark.parametrize("method", [ServiceMethod.HAND, ServiceMethod.MAIL, ServiceMethod.COURIER])
@pytest.mark.parametrize(("due", "served", "ok"), DUE_DATE)
def test_an_n4_served_on_the_rents_due_date_is_refused(due: str, served: str, ok: bool,
                                                       method: ServiceMethod) -> None:
    result = evaluate.evaluate(NoticeType.N4, tenancy(), d(served), method, d("2027-02-01"),
                               ledger=[rent("r1", due)])
    found = next(c for c in result.checks if c.rule == rules.N4_RENT_DUE)
    assert found.ok is ok
    assert result.ok is ok
    if not ok:
        assert (d(due) + timedelta(days=1)).isoformat() in found.message


def test_serving_on_the_third_due_date_with_two_months_unpaid_waits_a_day() -> None:
    ledger = monthly_rent("2026-10-01", 3)
    refused = evaluate.evaluate(NoticeType.N4, tenancy(), d("2026-12-01"), ServiceMethod.HAND, d("2027-01-15"),
                                ledger=ledger)
    assert [c.rule for c in refused.failed] == [rules.N4_RENT_DUE]
    assert evaluate.evaluate(NoticeType.N4, tenancy(), d("2026-12-02"), ServiceMethod.HAND, d("2027-01-15"),
                             ledger=ledger).ok


@pytest.mark.parametrize(
    ("ledger", "ok"),
    [
        ([], False),
        ([rent("r", "2026-11-01"), pay("p", "2026-11-01", "1500.00")], False),
        ([fee("f", "2026-11-01", "75.00")], False),  # only rent can be claimed
        ([rent("r", "2026-11-01"), pay("p", "2026-11-01", "1499.99")], True),
        ([rent("r", "2026-11-01")], True),
    ],
)
def test_an_n4_needs_rent_owing(ledger: list[LedgerEntry], ok: bool) -> None:
    result = evaluate.evaluate(NoticeType.N4, tenancy(), d("2026-11-20"), ServiceMethod.HAND, d("2026-12-10"),
                               ledger=ledger)
    found = next(c for c in result.checks if c.rule == rules.N4_ARREARS)
    assert found.ok is ok
    assert found.citation == "RTA s.59(1)"


def test_two_months_in_arrears_by_mail_onto_a_weekend() -> None:
    """The issue's e2e scenario, without HTTP: periods, total, deemed date and earliest termination."""
    ledger = monthly_rent("2026-10-01", 2)
    served = d("2026-11-02")  # + 5 = Saturday 2026-11-07
    calc = evaluate.calculate(NoticeType.N4, tenancy(), served, ServiceMethod.MAIL)
    assert (calc.deemed_served_on, calc.earliest_effective_on) == (d("2026-11-07"), d("2026-11-21"))
    claimed = arrears.rent_arrears(ledger, RentPeriod.MONTHLY, served)
    assert len(claimed.periods) == 2 and claimed.total == Decimal("3000.00")
    late = evaluate.evaluate(NoticeType.N4, tenancy(), served, ServiceMethod.MAIL, d("2026-11-20"), ledger=ledger)
    assert [c.citation for c in late.failed] == ["RTA s.59(1)"]
    assert "s.59" in str(late.failed[0].citation)


# Bill 60 (2025): 7 days for every tenancy, once proclaimed. (rent period, served, days with it in force)
BILL_60 = [
    (RentPeriod.MONTHLY, "2027-06-30", 14),  # served the day before the hypothetical proclamation
    (RentPeriod.MONTHLY, "2027-07-01", 7),
    (RentPeriod.MONTHLY, "2027-09-01", 7),
    (RentPeriod.WEEKLY, "2027-06-30", 7),
    (RentPeriod.WEEKLY, "2027-07-01", 7),
    (RentPeriod.DAILY, "2027-07-01", 7),
]


@pytest.mark.parametrize(("rent_period", "served", "days"), BILL_60)
def test_bill_60_applies_from_its_hypothetical_proclamation_by_service_date(rent_period: RentPeriod, served: str,
                                                                            days: int) -> None:
    book = BOOK.proclaim(rules.N4_TERMINATION, d("2027-07-01"))
    t = tenancy(rent_period=rent_period)
    calc = evaluate.calculate(NoticeType.N4, t, d(served), ServiceMethod.HAND, book=book)
    assert calc.earliest_effective_on == d(served) + timedelta(days=days)
    cited = next(r for r in calc.rules if r.rule == rules.N4_TERMINATION)
    assert ("Bill 60" in cited.citation) is (d(served) >= d("2027-07-01"))


def test_bill_60_is_not_in_force_in_the_shipped_book() -> None:
    assert n4.earliest_effective_on(tenancy(), d("2030-01-01"), d("2030-01-01")) == d("2030-01-15")
    pending = [r for r in BOOK.rules if r.in_force_from is None]
    assert [r.key for r in pending] == [rules.N4_TERMINATION]
    assert "Bill 60" in pending[0].enacted_by


def test_a_rule_asked_before_it_existed_is_an_error() -> None:
    with pytest.raises(NoRuleInForce):
        evaluate.calculate(NoticeType.N4, tenancy(), d("2006-12-01"), ServiceMethod.HAND)


def test_checks_accept_given_arrears() -> None:
    claimed = Arrears(periods=(ArrearsPeriod(from_on=d("2026-11-01"), to_on=d("2026-11-30"), charged=Decimal("10"),
                                             paid=Decimal("0"), owing=Decimal("10")),), total=Decimal("10"))
    found = n4.checks(tenancy(), claimed, d("2026-11-02"), d("2026-11-02"), d("2026-11-16"))
    assert all(c.ok for c in found) and len(found) == 3
