"""N1, notice of rent increase: its earliest date, its details and its checks (RTA s.116, s.119, s.120, s.6.1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from shared.notices import rules
from shared.notices.calendar import add_months
from shared.notices.models import CENT, Check, N1Details, Tenancy
from shared.notices.rules import BOOK, NoRuleInForce, RuleBook

HUNDRED = Decimal(100)


def anniversary(tenancy: Tenancy, on: date, book: RuleBook = BOOK) -> date:
    """The first day an increase may take effect under the 12-month rule (from the last increase, else the start)."""
    rule = book.rule(rules.N1_TWELVE_MONTHS, on)
    return add_months(tenancy.last_increase_on or tenancy.start_on, rule.months, roll_forward=True)


def earliest_effective_on(tenancy: Tenancy, served_on: date, deemed: date, book: RuleBook = BOOK) -> date:
    notice = book.rule(rules.N1_NOTICE_PERIOD, served_on)
    return max(deemed + timedelta(days=notice.days), anniversary(tenancy, served_on, book))


def is_exempt(tenancy: Tenancy, on: date, book: RuleBook = BOOK) -> bool:
    """s.6.1: a unit first occupied after 2018-11-15 is not held to the guideline (unknown → not exempt)."""
    try:
        rule = book.rule(rules.N1_EXEMPTION, on)
    except NoRuleInForce:
        return False
    first = tenancy.unit_first_occupied_on
    return first is not None and rule.after is not None and first > rule.after


def max_rent(rent: Decimal, pct: Decimal) -> Decimal:
    """The highest rent the guideline allows, rounded down to the cent (never a cent above it)."""
    return (rent * (HUNDRED + pct) / HUNDRED).quantize(CENT, rounding=ROUND_DOWN)


def increase_pct(current: Decimal, new: Decimal) -> Decimal:
    return ((new - current) * HUNDRED / current).quantize(CENT, rounding=ROUND_HALF_UP)


def details(tenancy: Tenancy, new_rent: Decimal, effective_on: date, on: date, book: RuleBook = BOOK) -> N1Details:
    """Current rent, the increase in percent and the guideline of the increase's year (`on`: the service day)."""
    guideline = book.guideline(effective_on.year)
    exempt = is_exempt(tenancy, on, book)
    return N1Details(current_rent=tenancy.rent, new_rent=new_rent, increase_pct=increase_pct(tenancy.rent, new_rent),
                     guideline_pct=guideline.pct, guideline_year=guideline.year,
                     max_rent=None if exempt else max_rent(tenancy.rent, guideline.pct), exempt=exempt)


def checks(tenancy: Tenancy, new_rent: Decimal, served_on: date, deemed: date, effective_on: date,
           book: RuleBook = BOOK) -> list[Check]:
    increase = book.rule(rules.N1_INCREASE, served_on)
    notice = book.rule(rules.N1_NOTICE_PERIOD, served_on)
    twelve = book.rule(rules.N1_TWELVE_MONTHS, served_on)
    found = [
        Check(rule=increase.key, citation=increase.citation, ok=new_rent > tenancy.rent,
              message=f"New rent {new_rent:.2f} against the current rent {tenancy.rent:.2f}"
                      + ("." if new_rent > tenancy.rent else ": not an increase.")),
    ]
    first_ok = deemed + timedelta(days=notice.days)
    gap = (effective_on - deemed).days
    found.append(Check(rule=notice.key, citation=notice.citation, ok=effective_on >= first_ok,
                       message=f"The increase on {effective_on.isoformat()} is {gap} days after deemed service "
                               f"on {deemed.isoformat()}; at least {notice.days} are required (from "
                               f"{first_ok.isoformat()})."))
    since = tenancy.last_increase_on or tenancy.start_on
    what = "the last increase" if tenancy.last_increase_on else "the start of the tenancy"
    allowed = anniversary(tenancy, served_on, book)
    found.append(Check(rule=twelve.key, citation=twelve.citation, ok=effective_on >= allowed,
                       message=f"{twelve.months} months after {what} on {since.isoformat()}: the earliest "
                               f"increase date is {allowed.isoformat()}."))
    found.append(_guideline_check(tenancy, new_rent, served_on, effective_on, book))
    return found


def _guideline_check(tenancy: Tenancy, new_rent: Decimal, served_on: date, effective_on: date,
                     book: RuleBook) -> Check:
    rule = book.rule(rules.N1_GUIDELINE, served_on)
    facts = details(tenancy, new_rent, effective_on, served_on, book)
    if facts.exempt:
        exemption = book.rule(rules.N1_EXEMPTION, served_on)
        return Check(rule=rule.key, citation=f"{rule.citation}; {exemption.citation}", ok=True,
                     message=f"The unit was first occupied on {tenancy.unit_first_occupied_on}, after "
                             f"{exemption.after}: the guideline does not apply.")
    source = "" if book.guideline(effective_on.year).source == "table" else " (no guideline recorded: the cap)"
    assert facts.max_rent is not None
    return Check(rule=rule.key, citation=rule.citation, ok=new_rent <= facts.max_rent,
                 message=f"An increase of {facts.increase_pct}% effective in {facts.guideline_year}; the "
                         f"guideline is {facts.guideline_pct}%{source}, so the rent may be at most "
                         f"{facts.max_rent:.2f}.")
