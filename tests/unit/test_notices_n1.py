"""N1 (rent increase): 90 days (s.116), 12 months (s.119), the guideline of the increase's year (s.120), s.6.1."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from shared.notices import evaluate, n1, rules
from shared.notices.models import Check, NoticeType, ServiceMethod, Tenancy
from shared.notices.rules import BOOK
from tests.support.notices import d, tenancy

pytestmark = pytest.mark.unit


def check(result: list[Check], key: str) -> Check:
    return next(c for c in result if c.rule == key)




def checks(t: Tenancy, served: str, effective: str, new_rent: str,
           method: ServiceMethod = ServiceMethod.HAND) -> list[Check]:
    return list(evaluate.evaluate(NoticeType.N1, t, d(served), method, d(effective), new_rent=Decimal(new_rent)).checks)


# (method, served, effective, ok): at least 90 days after the deemed service date.
NINETY_DAYS = [
    (ServiceMethod.HAND, "2026-12-02", "2027-03-02", True),  # exactly 90
    (ServiceMethod.HAND, "2026-12-02", "2027-03-01", False),  # 89
    (ServiceMethod.HAND, "2026-12-02", "2027-04-01", True),
    (ServiceMethod.MAILBOX, "2026-12-02", "2027-03-02", True),
    (ServiceMethod.MAILBOX, "2026-12-03", "2027-03-02", False),
    (ServiceMethod.MAIL, "2026-12-02", "2027-03-07", True),  # deemed 12-07 + 90
    (ServiceMethod.MAIL, "2026-12-02", "2027-03-06", False),
    (ServiceMethod.MAIL, "2026-12-02", "2027-03-02", False),  # fine by hand, 5 days short by mail
    (ServiceMethod.MAIL, "2026-10-01", "2027-01-04", True),
    (ServiceMethod.MAIL, "2026-10-01", "2027-01-03", False),
    (ServiceMethod.COURIER, "2026-12-24", "2027-03-29", True),  # deemed 12-29
    (ServiceMethod.COURIER, "2026-12-24", "2027-03-28", False),
    (ServiceMethod.COURIER, "2026-12-01", "2027-03-02", True),  # deemed 12-02
    (ServiceMethod.COURIER, "2026-12-01", "2027-03-01", False),
    (ServiceMethod.HAND, "2027-11-30", "2028-02-28", True),  # across a leap day: 90 days
    (ServiceMethod.HAND, "2027-11-30", "2028-02-27", False),
    (ServiceMethod.HAND, "2026-01-01", "2026-04-01", True),
    (ServiceMethod.HAND, "2026-01-02", "2026-04-01", False),
]


@pytest.mark.parametrize(("method", "served", "effective", "ok"), NINETY_DAYS)
def test_ninety_days_after_deemed_service(method: ServiceMethod, served: str, effective: str, ok: bool) -> None:
    t = tenancy(start_on=d("2020-01-01"), email_service_consent=True)
    found = check(checks(t, served, effective, "1510.00", method), rules.N1_NOTICE_PERIOD)
    assert found.ok is ok
    assert found.citation == "RTA s.116(1)"
    assert "90" in found.message


# (start, last increase, effective, ok): 12 months since the last increase, or since the start.
TWELVE_MONTHS = [
    ("2025-06-01", None, "2026-06-01", True),
    ("2025-06-01", None, "2026-05-31", False),
    ("2025-06-15", None, "2026-06-15", True),
    ("2025-06-15", None, "2026-06-14", False),
    ("2020-01-01", "2026-03-01", "2027-03-01", True),  # from the last increase, not the start
    ("2020-01-01", "2026-03-01", "2027-02-28", False),
    ("2020-01-01", "2025-09-01", "2026-09-01", True),
    ("2020-01-01", "2025-09-01", "2026-08-31", False),
    ("2024-02-29", None, "2025-03-01", True),  # 12 months after a leap day have elapsed on March 1
    ("2024-02-29", None, "2025-02-28", False),
    ("2020-01-01", "2024-02-29", "2025-03-01", True),
    ("2020-01-01", "2024-02-29", "2025-02-28", False),
    ("2025-01-31", None, "2026-01-31", True),
    ("2025-01-31", None, "2026-01-30", False),
    ("2025-12-31", None, "2026-12-31", True),
    ("2025-12-31", None, "2026-12-30", False),
    ("2019-05-01", None, "2027-01-01", True),  # never increased since an old start
]


@pytest.mark.parametrize(("start", "last", "effective", "ok"), TWELVE_MONTHS)
def test_twelve_months_from_the_last_increase_or_the_start(start: str, last: str | None, effective: str,
                                                           ok: bool) -> None:
    t = tenancy(start_on=d(start), last_increase_on=d(last) if last else None)
    found = check(n1.checks(t, Decimal("1510.00"), d("2024-01-01"), d("2024-01-01"), d(effective)),
                  rules.N1_TWELVE_MONTHS)
    assert found.ok is ok
    assert found.citation == "RTA s.119(1)"
    assert ("last increase" if last else "start of the tenancy") in found.message


# (rent, new rent, effective, ok): the guideline of the year the increase takes effect (2026: 2.1 %).
GUIDELINE = [
    ("1000.00", "1021.00", "2026-01-01", True),  # a 2026 increase uses 2026's 2.1 %
    ("1000.00", "1021.01", "2026-01-01", False),
    ("1000.00", "1025.00", "2026-01-01", False),  # 2025's 2.5 % is too much on 2026-01-01
    ("1000.00", "1025.00", "2025-12-31", True),  # ... and allowed the day before
    ("1000.00", "1025.01", "2025-12-31", False),
    ("1000.00", "1025.00", "2024-07-01", True),
    ("1000.00", "1025.01", "2024-07-01", False),
    ("1000.00", "1025.00", "2027-01-01", True),  # 2027 not in the table: the 2.5 % cap of s.120
    ("1000.00", "1025.01", "2027-01-01", False),
    ("1000.00", "1025.00", "2023-06-01", True),  # a year before the table: the cap too
    ("1500.00", "1531.50", "2026-12-31", True),
    ("1500.00", "1531.51", "2026-12-31", False),
    ("1234.56", "1260.48", "2026-05-01", True),  # 1234.56 x 1.021 = 1260.4857..., rounded down
    ("1234.56", "1260.49", "2026-05-01", False),
    ("2999.99", "3062.98", "2026-09-01", True),  # 3062.9897...
    ("2999.99", "3062.99", "2026-09-01", False),
    ("850.00", "867.85", "2026-03-01", True),
    ("850.00", "867.86", "2026-03-01", False),
    ("1000.00", "1000.01", "2026-03-01", True),
]


@pytest.mark.parametrize(("current", "new", "effective", "ok"), GUIDELINE)
def test_guideline_of_the_increases_year(current: str, new: str, effective: str, ok: bool) -> None:
    t = tenancy(rent=Decimal(current), start_on=d("2015-01-01"), unit_first_occupied_on=d("2015-01-01"))
    found = check(n1.checks(t, Decimal(new), d("2022-01-01"), d("2022-01-01"), d(effective)), rules.N1_GUIDELINE)
    assert found.ok is ok
    assert found.citation == "RTA s.120(1), (2)"


@pytest.mark.parametrize(
    ("first_occupied", "exempt"),
    [
        (None, False),  # unknown: held to the guideline
        ("2010-05-01", False),
        ("2018-11-14", False),
        ("2018-11-15", False),  # on the day: not after it
        ("2018-11-16", True),
        ("2019-01-01", True),
        ("2020-06-01", True),
        ("2025-09-01", True),
    ],
)
def test_units_first_occupied_after_2018_11_15_are_exempt(first_occupied: str | None, exempt: bool) -> None:
    t = tenancy(rent=Decimal("1000.00"), unit_first_occupied_on=d(first_occupied) if first_occupied else None)
    found = check(n1.checks(t, Decimal("1100.00"), d("2026-12-02"), d("2026-12-02"), d("2027-06-01")),
                  rules.N1_GUIDELINE)
    assert found.ok is exempt  # a 10 % increase passes only when exempt
    assert ("s.6.1" in found.citation) is exempt
    assert n1.is_exempt(t, d("2026-12-02")) is exempt


def test_the_exemption_is_not_applied_to_a_service_before_it_was_enacted() -> None:
    t = tenancy(unit_first_occupied_on=d("2018-11-20"))
    assert n1.is_exempt(t, d("2018-12-05")) is False
    assert n1.is_exempt(t, d("2018-12-06")) is True


@pytest.mark.parametrize(
    ("current", "new", "ok"),
    [("1500.00", "1500.00", False), ("1500.00", "1400.00", False), ("1500.00", "1500.01", True),
     ("1500.00", "1530.00", True)],
)
def test_an_n1_must_increase_the_rent(current: str, new: str, ok: bool) -> None:
    t = tenancy(rent=Decimal(current))
    found = check(n1.checks(t, Decimal(new), d("2026-12-02"), d("2026-12-02"), d("2027-06-01")), rules.N1_INCREASE)
    assert found.ok is ok


# (rent, new rent, effective, increase %, guideline %, max rent)
DETAILS = [
    ("1000.00", "1021.00", "2026-06-01", "2.10", "2.1", "1021.00"),
    ("1500.00", "1537.50", "2025-06-01", "2.50", "2.5", "1537.50"),
    ("1500.00", "1520.00", "2026-06-01", "1.33", "2.1", "1531.50"),
    ("1234.56", "1260.00", "2026-06-01", "2.06", "2.1", "1260.48"),
    ("1800.00", "1900.00", "2027-03-01", "5.56", "2.5", "1845.00"),
    ("925.00", "944.42", "2026-01-01", "2.10", "2.1", "944.42"),
]


@pytest.mark.parametrize(("current", "new", "effective", "pct", "guideline", "maximum"), DETAILS)
def test_n1_details(current: str, new: str, effective: str, pct: str, guideline: str, maximum: str) -> None:
    t = tenancy(rent=Decimal(current))
    facts = n1.details(t, Decimal(new), d(effective), d("2026-12-02"))
    assert facts.current_rent == Decimal(current)
    assert facts.increase_pct == Decimal(pct)
    assert facts.guideline_pct == Decimal(guideline)
    assert facts.guideline_year == d(effective).year
    assert facts.max_rent == Decimal(maximum)
    assert facts.exempt is False
    assert facts.model_dump(mode="json")["max_rent"] == maximum


def test_n1_details_of_an_exempt_unit_have_no_maximum() -> None:
    facts = n1.details(tenancy(unit_first_occupied_on=d("2020-02-01")), Decimal("1650.00"), d("2027-03-01"),
                       d("2026-12-02"))
    assert facts.exempt is True and facts.max_rent is None
    assert facts.increase_pct == Decimal("10.00")


# (start, last increase, method, served, earliest): the later of 90 days after deemed service and 12 months.
EARLIEST = [
    ("2020-01-01", None, ServiceMethod.HAND, "2026-12-02", "2027-03-02"),
    ("2020-01-01", None, ServiceMethod.MAIL, "2026-12-02", "2027-03-07"),
    ("2020-01-01", None, ServiceMethod.COURIER, "2026-12-24", "2027-03-29"),
    ("2026-06-01", None, ServiceMethod.HAND, "2026-12-02", "2027-06-01"),  # the 12-month rule is later
    ("2026-02-01", None, ServiceMethod.HAND, "2026-12-02", "2027-03-02"),
    ("2020-01-01", "2026-05-15", ServiceMethod.MAIL, "2026-12-02", "2027-05-15"),
    ("2020-01-01", "2026-03-04", ServiceMethod.MAIL, "2026-12-02", "2027-03-07"),
    ("2020-01-01", "2026-03-08", ServiceMethod.MAIL, "2026-12-02", "2027-03-08"),
]


@pytest.mark.parametrize(("start", "last", "method", "served", "earliest"), EARLIEST)
def test_earliest_increase_date(start: str, last: str | None, method: ServiceMethod, served: str,
                                earliest: str) -> None:
    t = tenancy(start_on=d(start), last_increase_on=d(last) if last else None)
    result = evaluate.calculate(NoticeType.N1, t, d(served), method)
    assert result.earliest_effective_on == d(earliest)
    # The earliest date passes both date rules, the day before fails one of them.
    ok = evaluate.evaluate(NoticeType.N1, t, d(served), method, d(earliest), new_rent=Decimal("1510.00"))
    assert ok.ok, ok.failed
    early = evaluate.evaluate(NoticeType.N1, t, d(served), method, d(earliest) - timedelta(days=1),
                              new_rent=Decimal("1510.00"))
    assert {c.rule for c in early.failed} & {rules.N1_NOTICE_PERIOD, rules.N1_TWELVE_MONTHS}


def test_an_n1_above_the_guideline_for_a_pre_2018_unit_fails_naming_s120_and_passes_for_a_2020_unit() -> None:
    old = tenancy(rent=Decimal("2000.00"), start_on=d("2019-01-01"), unit_first_occupied_on=d("2012-01-01"))
    new = old.model_copy(update={"unit_first_occupied_on": d("2020-01-01")})
    refused = evaluate.evaluate(NoticeType.N1, old, d("2026-12-02"), ServiceMethod.HAND, d("2027-04-01"),
                                new_rent=Decimal("2100.00"))
    assert [(c.rule, c.citation) for c in refused.failed] == [(rules.N1_GUIDELINE, "RTA s.120(1), (2)")]
    accepted = evaluate.evaluate(NoticeType.N1, new, d("2026-12-02"), ServiceMethod.HAND, d("2027-04-01"),
                                 new_rent=Decimal("2100.00"))
    assert accepted.ok


def test_a_guideline_year_added_to_the_book_is_used() -> None:
    book = BOOK.with_guideline(2027, Decimal("1.9"))
    t = tenancy(rent=Decimal("1000.00"))
    facts = n1.details(t, Decimal("1019.00"), d("2027-02-01"), d("2026-12-02"), book)
    assert facts.guideline_pct == Decimal("1.9") and facts.max_rent == Decimal("1019.00")
    found = check(n1.checks(t, Decimal("1020.00"), d("2026-11-01"), d("2026-11-01"), d("2027-02-01"), book),
                  rules.N1_GUIDELINE)
    assert not found.ok and "(no guideline recorded" not in found.message
    capped = check(n1.checks(t, Decimal("1020.00"), d("2026-11-01"), d("2026-11-01"), d("2027-02-01")),
                   rules.N1_GUIDELINE)
    assert capped.ok and "the cap" in capped.message


def test_evaluate_needs_the_new_rent_for_an_n1() -> None:
    with pytest.raises(ValueError, match="new_rent"):
        evaluate.evaluate(NoticeType.N1, tenancy(), d("2026-12-02"), ServiceMethod.HAND, d("2027-04-01"))
