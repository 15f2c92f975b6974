"""N11, agreement to end the tenancy: every signature and a date on or after them (RTA s.37)."""

from __future__ import annotations

from datetime import date

from shared.notices import rules
from shared.notices.models import Check, Tenancy
from shared.notices.rules import BOOK, RuleBook


def signatures(tenancy: Tenancy, landlord_signed_on: date | None) -> list[tuple[str, date | None]]:
    """(who, signed on) for the landlord and every tenant of the tenancy."""
    return [("the landlord", landlord_signed_on)] + [(p.name, p.signed_on) for p in tenancy.parties]


def earliest_effective_on(tenancy: Tenancy, deemed: date, landlord_signed_on: date | None = None) -> date:
    """Any date on or after the agreement is delivered and the last signature on it."""
    signed = [on for _, on in signatures(tenancy, landlord_signed_on) if on is not None]
    return max([deemed, *signed])


def checks(tenancy: Tenancy, landlord_signed_on: date | None, served_on: date, deemed: date, effective_on: date,
           book: RuleBook = BOOK) -> list[Check]:
    sign = book.rule(rules.N11_SIGNATURES, served_on)
    term = book.rule(rules.N11_TERMINATION, served_on)
    everyone = signatures(tenancy, landlord_signed_on)
    missing = [who for who, on in everyone if on is None or on > served_on]
    early = [who for who, on in everyone if on is not None and on < tenancy.start_on]
    if not tenancy.parties:
        message, ok = "The tenancy has no tenant to sign the agreement.", False
    elif missing:
        message, ok = f"Not signed by {', '.join(missing)} by {served_on.isoformat()}.", False
    elif early:
        message, ok = (f"Signed by {', '.join(early)} before the tenancy began on {tenancy.start_on.isoformat()}: "
                       "an agreement made when the tenancy was entered into is void."), False
    else:
        message, ok = "Signed by the landlord and every tenant.", True
    found = [Check(rule=sign.key, citation=sign.citation, ok=ok, message=message)]
    first_ok = earliest_effective_on(tenancy, deemed, landlord_signed_on)
    found.append(Check(rule=term.key, citation=term.citation, ok=effective_on >= first_ok,
                       message=f"Termination on {effective_on.isoformat()}; the earliest date agreed and delivered "
                               f"is {first_ok.isoformat()}."))
    return found
