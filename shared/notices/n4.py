"""N4, notice to end a tenancy early for non-payment of rent: its earliest date and checks (RTA s.59)."""

from __future__ import annotations

from datetime import date, timedelta

from shared.notices import rules
from shared.notices.models import Arrears, Check, RentPeriod, Tenancy
from shared.notices.rules import BOOK, Rule, RuleBook

SHORT_PERIODS = (RentPeriod.DAILY, RentPeriod.WEEKLY)


def termination_days(rule: Rule, rent_period: RentPeriod) -> int:
    return rule.days_daily_weekly if rent_period in SHORT_PERIODS else rule.days


def earliest_effective_on(tenancy: Tenancy, served_on: date, deemed: date, book: RuleBook = BOOK) -> date:
    rule = book.rule(rules.N4_TERMINATION, served_on)
    return deemed + timedelta(days=termination_days(rule, tenancy.rent_period))


def checks(tenancy: Tenancy, arrears: Arrears, served_on: date, deemed: date, effective_on: date,
           book: RuleBook = BOOK) -> list[Check]:
    """`arrears`: the rent the notice claims (every unpaid rent charge dated on or before the service day)."""
    owing = book.rule(rules.N4_ARREARS, served_on)
    due = book.rule(rules.N4_RENT_DUE, served_on)
    period = book.rule(rules.N4_TERMINATION, served_on)
    found = [Check(rule=owing.key, citation=owing.citation, ok=arrears.total > 0,
                   message=f"Rent owing: {arrears.total:.2f}" + ("." if arrears.total > 0 else "; nothing to claim."))]
    early = [p for p in arrears.periods if p.from_on >= served_on]
    if early:
        first = min(p.from_on for p in early)
        message = (f"The rent for the period from {first.isoformat()} falls due on {first.isoformat()}: it is not "
                   f"owing before {(first + timedelta(days=1)).isoformat()}; serve from then.")
    else:
        message = f"All rent claimed fell due before the service on {served_on.isoformat()}."
    found.append(Check(rule=due.key, citation=due.citation, ok=not early, message=message))
    days = termination_days(period, tenancy.rent_period)
    first_ok = deemed + timedelta(days=days)
    found.append(Check(rule=period.key, citation=period.citation, ok=effective_on >= first_ok,
                       message=f"Termination on {effective_on.isoformat()} is {(effective_on - deemed).days} days "
                               f"after deemed service on {deemed.isoformat()}; a {tenancy.rent_period.value} tenancy "
                               f"needs at least {days} (from {first_ok.isoformat()})."))
    return found
