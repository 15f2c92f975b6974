"""The two questions a notice asks of the rules: `calculate` (a dry run) and `evaluate` (every check).

The notices service maps its tenancy and ledger into `Tenancy` and `LedgerEntry` and calls these; `serve`
refuses when `evaluate(...).ok` is false, naming the failed checks (`RuleFailed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from shared.notices import n1, n4, n11, rules
from shared.notices.arrears import rent_arrears
from shared.notices.models import (
    Calculation,
    Check,
    Evaluation,
    LedgerEntry,
    NoticeType,
    RuleFailed,
    RuleText,
    ServiceMethod,
    Tenancy,
)
from shared.notices.rules import BOOK, RuleBook
from shared.notices.service_rules import deemed_served_on, service_check, service_rule

RULE_KEYS = {
    NoticeType.N1: (rules.N1_NOTICE_PERIOD, rules.N1_TWELVE_MONTHS, rules.N1_GUIDELINE),
    NoticeType.N4: (rules.N4_RENT_DUE, rules.N4_TERMINATION, rules.N4_VOID_BY_PAYMENT),
    NoticeType.N11: (rules.N11_SIGNATURES, rules.N11_TERMINATION),
}


def earliest_effective_on(notice: NoticeType, tenancy: Tenancy, served_on: date, method: ServiceMethod, *,
                          landlord_signed_on: date | None = None, book: RuleBook = BOOK) -> date:
    deemed = deemed_served_on(method, served_on, book)
    if notice == NoticeType.N1:
        return n1.earliest_effective_on(tenancy, served_on, deemed, book)
    if notice == NoticeType.N4:
        return n4.earliest_effective_on(tenancy, served_on, deemed, book)
    return n11.earliest_effective_on(tenancy, deemed, landlord_signed_on)


def calculate(notice: NoticeType, tenancy: Tenancy, served_on: date, method: ServiceMethod, *,
              landlord_signed_on: date | None = None, book: RuleBook = BOOK) -> Calculation:
    """The deemed service date and earliest effective date, with the rules behind them.
    Raises `RuleFailed` when the method may not be used (email without consent)."""
    check = service_check(method, served_on, tenancy, book)
    if not check.ok:
        raise RuleFailed((check,))
    keys = (service_rule(method, served_on, book).key, *RULE_KEYS[notice])
    if notice == NoticeType.N1 and n1.is_exempt(tenancy, served_on, book):
        keys = (*keys, rules.N1_EXEMPTION)
    applied = [book.rule(key, served_on) for key in keys]
    return Calculation(
        deemed_served_on=deemed_served_on(method, served_on, book),
        earliest_effective_on=earliest_effective_on(notice, tenancy, served_on, method,
                                                    landlord_signed_on=landlord_signed_on, book=book),
        rules=tuple(RuleText(rule=r.key, citation=r.citation, text=r.text) for r in applied),
    )


def evaluate(notice: NoticeType, tenancy: Tenancy, served_on: date, method: ServiceMethod, effective_on: date, *,
             new_rent: Decimal | None = None, ledger: Sequence[LedgerEntry] = (),
             landlord_signed_on: date | None = None, book: RuleBook = BOOK) -> Evaluation:
    """Every rule of the notice checked against this service. N1 needs `new_rent`; N4 reads `ledger` (the rent
    unpaid on the service day is what it claims); N11 reads the parties' and the landlord's signatures."""
    deemed = deemed_served_on(method, served_on, book)
    found: list[Check] = [service_check(method, served_on, tenancy, book)]
    if notice == NoticeType.N1:
        if new_rent is None:
            raise ValueError("an N1 needs new_rent")
        found += n1.checks(tenancy, new_rent, served_on, deemed, effective_on, book)
    elif notice == NoticeType.N4:
        claimed = rent_arrears(ledger, tenancy.rent_period, served_on)
        found += n4.checks(tenancy, claimed, served_on, deemed, effective_on, book)
    else:
        found += n11.checks(tenancy, landlord_signed_on, served_on, deemed, effective_on, book)
    return Evaluation(
        deemed_served_on=deemed,
        earliest_effective_on=earliest_effective_on(notice, tenancy, served_on, method,
                                                    landlord_signed_on=landlord_signed_on, book=book),
        checks=tuple(found),
    )


def require(evaluation: Evaluation) -> Evaluation:
    """The evaluation itself when every check passed; `RuleFailed` naming the failed ones otherwise."""
    if not evaluation.ok:
        raise RuleFailed(evaluation.failed)
    return evaluation
