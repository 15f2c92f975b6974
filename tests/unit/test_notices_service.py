"""Service of a notice: deemed dates by method (RTA s.191, LTB Rule 3) and Ontario business days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.notices import calendar, evaluate, rules
from shared.notices.models import NoticeType, RuleFailed, ServiceMethod
from shared.notices.service_rules import deemed_served_on, service_check
from tests.support.notices import d, tenancy

pytestmark = pytest.mark.unit

MAIL_CASES = [
    ("2026-11-02", "2026-11-07"),  # Monday → Saturday: mail is never moved off a weekend
    ("2026-11-03", "2026-11-08"),  # → Sunday
    ("2026-11-04", "2026-11-09"),
    ("2026-11-05", "2026-11-10"),
    ("2026-11-06", "2026-11-11"),  # → Remembrance Day, still the 5th day
    ("2026-11-07", "2026-11-12"),  # mailed on a Saturday
    ("2026-12-21", "2026-12-26"),  # → Boxing Day
    ("2026-12-27", "2027-01-01"),  # → New Year's Day
    ("2026-12-29", "2027-01-03"),  # across the year
    ("2026-02-11", "2026-02-16"),  # → Family Day
    ("2026-02-26", "2026-03-03"),  # across February, not a leap year
    ("2028-02-26", "2028-03-02"),  # across February 29
    ("2028-02-24", "2028-02-29"),  # onto February 29
    ("2026-01-31", "2026-02-05"),
    ("2026-04-30", "2026-05-05"),
    ("2026-06-28", "2026-07-03"),
    ("2026-05-13", "2026-05-18"),  # → Victoria Day
    ("2026-09-02", "2026-09-07"),  # → Labour Day
    ("2026-10-07", "2026-10-12"),  # → Thanksgiving
    ("2027-03-24", "2027-03-29"),  # → Easter Monday 2027
]


@pytest.mark.parametrize(("served", "deemed"), MAIL_CASES)
def test_mail_is_deemed_served_on_the_fifth_day(served: str, deemed: str) -> None:
    assert deemed_served_on(ServiceMethod.MAIL, d(served)) == d(deemed)


COURIER_CASES = [
    ("2026-05-15", "2026-05-19"),  # Friday before Victoria Day: the long weekend is skipped
    ("2026-05-14", "2026-05-15"),  # Thursday → Friday
    ("2026-05-16", "2026-05-19"),  # Saturday of the long weekend
    ("2026-05-17", "2026-05-19"),  # Sunday of the long weekend
    ("2026-05-18", "2026-05-19"),  # on Victoria Day itself
    ("2026-04-02", "2026-04-07"),  # Good Friday and Easter Monday
    ("2026-04-03", "2026-04-07"),
    ("2026-12-24", "2026-12-29"),  # Christmas, the weekend, Boxing Day observed on Monday
    ("2026-12-31", "2027-01-04"),  # New Year's Day on a Friday
    ("2026-07-31", "2026-08-04"),  # Civic Holiday
    ("2026-09-04", "2026-09-08"),  # Labour Day
    ("2026-10-09", "2026-10-13"),  # Thanksgiving
    ("2026-11-10", "2026-11-12"),  # Remembrance Day
    ("2026-02-13", "2026-02-17"),  # Family Day
    ("2026-06-30", "2026-07-02"),  # Canada Day on a Wednesday
    ("2026-09-29", "2026-09-30"),  # Truth and Reconciliation Day is federal only, not an Ontario holiday
    ("2026-11-27", "2026-11-30"),  # Friday → Monday
    ("2026-11-28", "2026-11-30"),  # Saturday
    ("2026-11-29", "2026-11-30"),  # Sunday
    ("2026-11-30", "2026-12-01"),  # an ordinary Monday
    ("2026-12-01", "2026-12-02"),
    ("2026-12-02", "2026-12-03"),
    ("2026-12-03", "2026-12-04"),
    ("2027-12-24", "2027-12-29"),  # Christmas and Boxing Day both observed on Monday and Tuesday
    ("2027-03-25", "2027-03-30"),  # Good Friday and Easter Monday 2027
    ("2027-05-21", "2027-05-25"),  # Victoria Day 2027
    ("2027-06-30", "2027-07-02"),  # Canada Day 2027 on a Thursday
]


@pytest.mark.parametrize(("served", "deemed"), COURIER_CASES)
def test_courier_is_deemed_served_on_the_next_business_day(served: str, deemed: str) -> None:
    assert deemed_served_on(ServiceMethod.COURIER, d(served)) == d(deemed)


SAME_DAY = [ServiceMethod.HAND, ServiceMethod.MAILBOX, ServiceMethod.EMAIL]
SAME_DAY_DATES = ["2026-01-01", "2026-02-28", "2026-05-16", "2026-11-11", "2026-12-25", "2028-02-29"]


@pytest.mark.parametrize("method", SAME_DAY)
@pytest.mark.parametrize("served", SAME_DAY_DATES)
def test_hand_mailbox_and_email_are_served_the_same_day(method: ServiceMethod, served: str) -> None:
    assert deemed_served_on(method, d(served)) == d(served)


@pytest.mark.parametrize(
    ("method", "consent", "ok"),
    [
        (ServiceMethod.EMAIL, False, False),
        (ServiceMethod.EMAIL, True, True),
        (ServiceMethod.HAND, False, True),
        (ServiceMethod.MAILBOX, False, True),
        (ServiceMethod.MAIL, False, True),
        (ServiceMethod.COURIER, False, True),
        (ServiceMethod.HAND, True, True),
        (ServiceMethod.MAIL, True, True),
    ],
)
def test_email_needs_the_tenants_consent(method: ServiceMethod, consent: bool, ok: bool) -> None:
    check = service_check(method, d("2026-11-02"), tenancy(email_service_consent=consent))
    assert check.ok is ok
    assert check.rule == f"service.{method.value}"
    assert "s.191" in check.citation


@pytest.mark.parametrize(("method", "citation"), [
    (ServiceMethod.HAND, "RTA s.191(1)(a), (c)"), (ServiceMethod.MAILBOX, "RTA s.191(1)(d), (e)"),
    (ServiceMethod.MAIL, "RTA s.191(1)(f), (3)"), (ServiceMethod.COURIER, "RTA s.191(1)(g); LTB Rules 3.1(f), 3.8"),
])
def test_each_method_cites_its_provision(method: ServiceMethod, citation: str) -> None:
    assert service_check(method, d("2026-11-02"), tenancy()).citation == citation


@pytest.mark.parametrize(("method", "served", "allowed"), [
    (ServiceMethod.COURIER, "2021-08-31", False), (ServiceMethod.COURIER, "2021-09-01", True),
    (ServiceMethod.EMAIL, "2021-08-31", False), (ServiceMethod.EMAIL, "2021-09-01", True),
    (ServiceMethod.MAIL, "2021-08-31", True), (ServiceMethod.HAND, "2010-01-04", True),
])
def test_ltb_rule_methods_apply_from_the_rules_we_verified(method: ServiceMethod, served: str, allowed: bool) -> None:
    t = tenancy(email_service_consent=True, start_on=d("2008-01-01"))
    if allowed:
        assert evaluate.calculate(NoticeType.N4, t, d(served), method).deemed_served_on >= d(served)
    else:
        with pytest.raises(rules.NoRuleInForce):
            evaluate.calculate(NoticeType.N4, t, d(served), method)


def test_email_check_cites_the_ltb_rule_and_says_why() -> None:
    check = service_check(ServiceMethod.EMAIL, d("2026-11-02"), tenancy())
    assert check.citation == "RTA s.191(1)(g); LTB Rules 3.4, 3.8"
    assert "consent" in check.message


@pytest.mark.parametrize("notice", list(NoticeType))
def test_calculate_refuses_email_without_consent(notice: NoticeType) -> None:
    with pytest.raises(RuleFailed) as caught:
        evaluate.calculate(notice, tenancy(), d("2026-11-02"), ServiceMethod.EMAIL)
    assert [c.rule for c in caught.value.checks] == [rules.SERVICE_EMAIL]
    assert "LTB Rules 3.4" in str(caught.value)


@pytest.mark.parametrize("notice", list(NoticeType))
def test_evaluate_fails_email_without_consent(notice: NoticeType) -> None:
    result = evaluate.evaluate(notice, tenancy(), d("2026-11-02"), ServiceMethod.EMAIL, d("2027-06-01"),
                               new_rent=tenancy().rent + 1)
    assert rules.SERVICE_EMAIL in [c.rule for c in result.failed]


@pytest.mark.parametrize(
    ("day", "business"),
    [
        ("2026-11-30", True), ("2026-11-28", False), ("2026-11-29", False), ("2026-12-25", False),
        ("2026-12-28", False), ("2026-08-03", False), ("2026-04-06", False), ("2026-11-11", False),
        ("2026-09-30", True), ("2026-02-16", False), ("2026-07-01", False), ("2026-07-02", True),
    ],
)
def test_ontario_business_days(day: str, business: bool) -> None:
    assert calendar.is_business_day(d(day)) is business


def test_every_day_of_a_year_has_a_later_business_day_within_five_days() -> None:
    day = date(2026, 1, 1)
    while day.year == 2026:
        following = calendar.next_business_day(day)
        assert day < following <= day + timedelta(days=5)
        assert calendar.is_business_day(following)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "months", "roll", "expected"),
    [
        ("2026-01-31", 1, False, "2026-02-28"),
        ("2026-01-31", 1, True, "2026-03-01"),
        ("2024-02-29", 12, False, "2025-02-28"),
        ("2024-02-29", 12, True, "2025-03-01"),
        ("2024-02-29", 48, True, "2028-02-29"),
        ("2026-11-15", 2, False, "2027-01-15"),
        ("2026-12-31", 12, False, "2027-12-31"),
        ("2026-03-31", -1, False, "2026-02-28"),
        ("2026-05-01", 0, False, "2026-05-01"),
        ("2026-08-31", 1, True, "2026-10-01"),
    ],
)
def test_add_months(day: str, months: int, roll: bool, expected: str) -> None:
    assert calendar.add_months(d(day), months, roll_forward=roll) == d(expected)
