"""The rule book: every Ontario rule the notices apply, as data with its citation and in-force date.

A rule has versions; the version applied to a notice is the one in force on the day the notice is
served (`RuleBook.rule(key, on)`). An amendment that is law but not yet proclaimed is recorded with
`in_force_from=None`: it is never applied until someone sets its date (`RuleBook.proclaim` shows how,
and the tests use it with a hypothetical date). See docs/notices.md for how to add a rule or a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

# The Residential Tenancies Act, 2006 (S.O. 2006, c. 17) came into force on this day.
RTA_IN_FORCE = date(2007, 1, 31)

# Courier and email service come from the LTB's Rules of Procedure (RTA s.191(1)(g)). We date them from the
# Rules in force on 2021-09-01, which have both (Rules 3.1(f), 3.4, 3.8); earlier versions were not checked,
# so a notice served before that day by courier or email is refused rather than guessed at.
LTB_RULES = "LTB Rules of Procedure, Rule 3 (under RTA s.191(1)(g))"
LTB_RULES_VERIFIED = date(2021, 9, 1)

# Keys of the rules (the `rule` of every check and reminder).
SERVICE_HAND = "service.hand"
SERVICE_MAILBOX = "service.mailbox"
SERVICE_MAIL = "service.mail"
SERVICE_COURIER = "service.courier"
SERVICE_EMAIL = "service.email"
N1_INCREASE = "n1.increase"
N1_NOTICE_PERIOD = "n1.notice_period"
N1_TWELVE_MONTHS = "n1.twelve_months"
N1_GUIDELINE = "n1.guideline"
N1_EXEMPTION = "n1.exemption"
N4_ARREARS = "n4.arrears_owing"
N4_RENT_DUE = "n4.rent_due"
N4_TERMINATION = "n4.termination_period"
N4_VOID_BY_PAYMENT = "n4.void_by_payment"
N4_L1_WINDOW = "n4.l1_window"
N11_SIGNATURES = "n11.signatures"
N11_TERMINATION = "n11.termination_date"
N11_L3_WINDOW = "n11.l3_window"


@dataclass(frozen=True)
class Rule:
    """One version of one rule. The number fields are its parameters (0 where it has none)."""

    key: str
    citation: str
    text: str
    in_force_from: date | None  # None: enacted, not yet in force
    enacted_by: str = "Residential Tenancies Act, 2006"
    days: int = 0
    days_daily_weekly: int = 0  # N4: the shorter period of daily and weekly tenancies
    business_days: int = 0
    months: int = 0
    after: date | None = None  # the s.6.1 exemption: first occupied after this day
    requires_consent: bool = False


@dataclass(frozen=True)
class Guideline:
    year: int
    pct: Decimal
    source: str  # "table" (the announced guideline) or "cap" (s.120(2): year not in the table)


RULES: tuple[Rule, ...] = (
    # Service (RTA s.191; LTB Rules of Procedure, Rule 3). s.191(2) (a notice shown to have reached the tenant
    # in time is validly given) is a question of evidence for the Board, not a rule we apply.
    Rule(SERVICE_HAND, "RTA s.191(1)(a), (c)", "Handed to the tenant, or to an adult in the rental unit: "
         "served the same day.", RTA_IN_FORCE),
    Rule(SERVICE_MAILBOX, "RTA s.191(1)(d), (e)", "Left in the mailbox or where mail is ordinarily delivered: "
         "served the same day.", RTA_IN_FORCE),
    Rule(SERVICE_MAIL, "RTA s.191(1)(f), (3)", "Sent by mail: deemed served on the 5th day after mailing.",
         RTA_IN_FORCE, days=5),
    Rule(SERVICE_COURIER, "RTA s.191(1)(g); LTB Rules 3.1(f), 3.8", "Given to a courier: deemed served on the "
         "next business day (Ontario holidays excluded).", LTB_RULES_VERIFIED, enacted_by=LTB_RULES, business_days=1),
    Rule(SERVICE_EMAIL, "RTA s.191(1)(g); LTB Rules 3.4, 3.8", "Sent by email: served the same day, only if "
         "the tenant consented in writing to service by email.", LTB_RULES_VERIFIED, enacted_by=LTB_RULES,
         requires_consent=True),
    # N1: notice of rent increase.
    Rule(N1_INCREASE, "RTA s.116(1)", "An N1 gives notice of an increase: the new rent is above the current rent.",
         RTA_IN_FORCE),
    Rule(N1_NOTICE_PERIOD, "RTA s.116(1)", "At least 90 days' written notice before the increase takes effect.",
         RTA_IN_FORCE, days=90),
    Rule(N1_TWELVE_MONTHS, "RTA s.119(1)", "At least 12 months after the last increase, or after the tenancy "
         "began if there has been none.", RTA_IN_FORCE, months=12),
    Rule(N1_GUIDELINE, "RTA s.120(1), (2)", "No more than the guideline of the year the increase takes effect "
         "(a guideline is never above 2.5%).", date(2012, 6, 6), enacted_by="Residential Tenancies Amendment "
         "Act (Rent Increase Guideline), 2012"),
    Rule(N1_EXEMPTION, "RTA s.6.1", "The guideline does not apply to a unit first occupied for residential "
         "purposes after November 15, 2018.", date(2018, 12, 6), enacted_by="Restoring Trust, Transparency "
         "and Accountability Act, 2018 (Bill 57)", after=date(2018, 11, 15)),
    # N4: notice to end a tenancy early for non-payment of rent.
    Rule(N4_ARREARS, "RTA s.59(1)", "An N4 claims rent lawfully owing: there must be unpaid rent.", RTA_IN_FORCE),
    Rule(N4_RENT_DUE, "RTA s.59(1)", "Rent is owing only once its due date has passed: serve no earlier than "
         "the day after the rent fell due.", RTA_IN_FORCE),
    Rule(N4_TERMINATION, "RTA s.59(1)", "The termination date is at least 14 days after service (7 days for a "
         "daily or weekly tenancy).", RTA_IN_FORCE, days=14, days_daily_weekly=7),
    Rule(N4_TERMINATION, "RTA s.59(1), as amended by Bill 60 (2025)", "The termination date is at least 7 days "
         "after service, for every tenancy.", None, enacted_by="Fighting Delays, Building Faster Act, 2025 "
         "(Bill 60), not yet proclaimed", days=7, days_daily_weekly=7),
    Rule(N4_VOID_BY_PAYMENT, "RTA s.59(3)", "The notice is void if the tenant pays the arrears (and any rent "
         "that has since fallen due) before the termination date.", RTA_IN_FORCE),
    Rule(N4_L1_WINDOW, "RTA s.69(2)", "An L1 application may be filed no later than 30 days after the "
         "termination date.", RTA_IN_FORCE, days=30),
    # N11: agreement to end the tenancy.
    Rule(N11_SIGNATURES, "RTA s.37(1), (4)", "An agreement to end the tenancy binds once the landlord and every "
         "tenant have signed it; one made when the tenancy was entered into is void.", RTA_IN_FORCE),
    Rule(N11_TERMINATION, "RTA s.37(1)", "The termination date is any date the landlord and every tenant agreed "
         "to, on or after the agreement.", RTA_IN_FORCE),
    Rule(N11_L3_WINDOW, "RTA s.77(2)", "An L3 application may be filed no later than 30 days after the "
         "termination date.", RTA_IN_FORCE, days=30),
)

# The rent increase guideline announced for each calendar year (RTA s.120(2)), in percent.
GUIDELINES: Mapping[int, Decimal] = MappingProxyType({
    2024: Decimal("2.5"),
    2025: Decimal("2.5"),
    2026: Decimal("2.1"),
})
GUIDELINE_CAP = Decimal("2.5")  # s.120(2): a year not (yet) in the table is held to the cap


class NoRuleInForce(LookupError):
    """No version of a rule was in force on the day asked (e.g. a service date before the RTA)."""


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...] = RULES
    guidelines: Mapping[int, Decimal] = field(default_factory=lambda: GUIDELINES)

    def rule(self, key: str, on: date) -> Rule:
        """The version of `key` in force on `on`: the latest one whose `in_force_from` is on or before it."""
        versions = [r for r in self.rules if r.key == key and r.in_force_from is not None and r.in_force_from <= on]
        if not versions:
            raise NoRuleInForce(f"no version of {key} was in force on {on.isoformat()}")
        return max(versions, key=lambda r: r.in_force_from or on)

    def guideline(self, year: int) -> Guideline:
        pct = self.guidelines.get(year)
        return Guideline(year, pct, "table") if pct is not None else Guideline(year, GUIDELINE_CAP, "cap")

    def proclaim(self, key: str, on: date) -> RuleBook:
        """A copy of the book in which the not-yet-in-force version of `key` is in force from `on`."""
        pending = [r for r in self.rules if r.key == key and r.in_force_from is None]
        if len(pending) != 1:
            raise NoRuleInForce(f"{key} has {len(pending)} versions awaiting proclamation")
        return replace(self, rules=tuple(replace(r, in_force_from=on) if r is pending[0] else r for r in self.rules))

    def with_guideline(self, year: int, pct: Decimal) -> RuleBook:
        return replace(self, guidelines=MappingProxyType({**self.guidelines, year: pct}))


BOOK = RuleBook()
