"""The rule book as data: every rule cited and dated, versions chosen by service date, guidelines by year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.notices import evaluate, rules
from shared.notices.models import Calculation, NoticeType, RuleFailed, ServiceMethod
from shared.notices.rules import BOOK, GUIDELINE_CAP, RULES, NoRuleInForce, Rule, RuleBook
from tests.support.notices import d, tenancy

pytestmark = pytest.mark.unit
KEYS = sorted({r.key for r in RULES})


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.key}@{r.in_force_from}")
def test_every_rule_is_cited_dated_and_explained(rule: Rule) -> None:
    assert rule.citation.startswith(("RTA s.", "RTA s.191")), rule.citation
    assert rule.text.endswith(".") and len(rule.text) > 20
    assert rule.enacted_by
    assert rule.in_force_from is None or rule.in_force_from >= rules.RTA_IN_FORCE


@pytest.mark.parametrize("key", KEYS)
def test_every_rule_is_in_force_today(key: str) -> None:
    assert BOOK.rule(key, date(2026, 12, 2)).key == key


@pytest.mark.parametrize("key", KEYS)
def test_no_two_versions_of_a_rule_share_a_date(key: str) -> None:
    dates = [r.in_force_from for r in RULES if r.key == key and r.in_force_from is not None]
    assert len(dates) == len(set(dates))


@pytest.mark.parametrize(
    ("key", "on", "in_force"),
    [
        (rules.SERVICE_MAIL, "2007-01-30", False),
        (rules.SERVICE_MAIL, "2007-01-31", True),
        (rules.N1_GUIDELINE, "2012-06-05", False),
        (rules.N1_GUIDELINE, "2012-06-06", True),
        (rules.N1_EXEMPTION, "2018-12-05", False),
        (rules.N1_EXEMPTION, "2018-12-06", True),
        (rules.N4_TERMINATION, "2099-01-01", True),
    ],
)
def test_rules_apply_from_their_in_force_date(key: str, on: str, in_force: bool) -> None:
    if in_force:
        assert BOOK.rule(key, d(on)).in_force_from is not None
    else:
        with pytest.raises(NoRuleInForce, match=key):
            BOOK.rule(key, d(on))


def test_a_newer_version_wins_from_its_date_only() -> None:
    newer = Rule(rules.SERVICE_MAIL, "RTA s.191(3) (amended)", "Sent by mail: deemed served on the 3rd day.",
                 date(2027, 1, 1), days=3)
    book = RuleBook(rules=(*RULES, newer))
    assert book.rule(rules.SERVICE_MAIL, d("2026-12-31")).days == 5
    assert book.rule(rules.SERVICE_MAIL, d("2027-01-01")).days == 3
    calc = evaluate.calculate(NoticeType.N4, tenancy(), d("2027-01-04"), ServiceMethod.MAIL, book=book)
    assert calc.deemed_served_on == d("2027-01-07")
    assert calc.rules[0].citation == "RTA s.191(3) (amended)"


def test_proclaiming_needs_exactly_one_pending_version() -> None:
    with pytest.raises(NoRuleInForce):
        BOOK.proclaim(rules.SERVICE_MAIL, d("2027-01-01"))
    proclaimed = BOOK.proclaim(rules.N4_TERMINATION, d("2027-01-01"))
    with pytest.raises(NoRuleInForce):
        proclaimed.proclaim(rules.N4_TERMINATION, d("2027-02-01"))
    assert BOOK.rule(rules.N4_TERMINATION, d("2027-01-01")).days == 14  # the shipped book is unchanged


@pytest.mark.parametrize(
    ("year", "pct", "source"),
    [
        (2024, "2.5", "table"), (2025, "2.5", "table"), (2026, "2.1", "table"),
        (2027, "2.5", "cap"), (2030, "2.5", "cap"), (2023, "2.5", "cap"), (2012, "2.5", "cap"),
    ],
)
def test_guideline_by_year_else_the_cap(year: int, pct: str, source: str) -> None:
    guideline = BOOK.guideline(year)
    assert (guideline.pct, guideline.source) == (Decimal(pct), source)


def test_guidelines_never_exceed_the_cap() -> None:
    assert all(pct <= GUIDELINE_CAP for pct in BOOK.guidelines.values())
    assert BOOK.with_guideline(2027, Decimal("2.0")).guideline(2027).source == "table"
    assert 2027 not in BOOK.guidelines


# (notice, method, expected rule keys of `calculate`)
CALCULATE_RULES = [
    (NoticeType.N1, ServiceMethod.HAND, [rules.SERVICE_HAND, rules.N1_NOTICE_PERIOD, rules.N1_TWELVE_MONTHS,
                                         rules.N1_GUIDELINE]),
    (NoticeType.N1, ServiceMethod.MAIL, [rules.SERVICE_MAIL, rules.N1_NOTICE_PERIOD, rules.N1_TWELVE_MONTHS,
                                         rules.N1_GUIDELINE]),
    (NoticeType.N4, ServiceMethod.COURIER, [rules.SERVICE_COURIER, rules.N4_RENT_DUE, rules.N4_TERMINATION,
                                            rules.N4_VOID_BY_PAYMENT]),
    (NoticeType.N4, ServiceMethod.MAILBOX, [rules.SERVICE_MAILBOX, rules.N4_RENT_DUE, rules.N4_TERMINATION,
                                            rules.N4_VOID_BY_PAYMENT]),
    (NoticeType.N11, ServiceMethod.EMAIL, [rules.SERVICE_EMAIL, rules.N11_SIGNATURES, rules.N11_TERMINATION]),
]


@pytest.mark.parametrize(("notice", "method", "keys"), CALCULATE_RULES)
def test_calculate_lists_the_rules_it_applied(notice: NoticeType, method: ServiceMethod, keys: list[str]) -> None:
    calc = evaluate.calculate(notice, tenancy(email_service_consent=True), d("2026-12-02"), method)
    assert [r.rule for r in calc.rules] == keys
    assert all(r.citation and r.text for r in calc.rules)


def test_calculate_lists_the_exemption_for_a_new_unit() -> None:
    calc = evaluate.calculate(NoticeType.N1, tenancy(unit_first_occupied_on=d("2020-01-01")), d("2026-12-02"),
                              ServiceMethod.HAND)
    assert calc.rules[-1].rule == rules.N1_EXEMPTION and calc.rules[-1].citation == "RTA s.6.1"


def test_calculate_answers_the_contracts_shape() -> None:
    calc = evaluate.calculate(NoticeType.N4, tenancy(), d("2026-11-02"), ServiceMethod.MAIL)
    body = calc.model_dump(mode="json")
    assert set(body) == {"deemed_served_on", "earliest_effective_on", "rules"}
    assert body["deemed_served_on"] == "2026-11-07" and body["earliest_effective_on"] == "2026-11-21"
    assert set(body["rules"][0]) == {"rule", "citation", "text"}
    assert isinstance(calc, Calculation)


def test_evaluation_shape_and_require() -> None:
    ok = evaluate.evaluate(NoticeType.N1, tenancy(), d("2026-12-02"), ServiceMethod.HAND, d("2027-04-01"),
                           new_rent=Decimal("1530.00"))
    assert evaluate.require(ok) is ok
    assert all(set(c.model_dump()) == {"rule", "citation", "ok", "message"} for c in ok.checks)
    bad = evaluate.evaluate(NoticeType.N1, tenancy(), d("2026-12-02"), ServiceMethod.MAIL, d("2027-03-02"),
                            new_rent=Decimal("1600.00"))
    with pytest.raises(RuleFailed) as caught:
        evaluate.require(bad)
    assert [c.rule for c in caught.value.checks] == [rules.N1_NOTICE_PERIOD, rules.N1_GUIDELINE]
    assert "s.116" in str(caught.value) and "s.120" in str(caught.value)
