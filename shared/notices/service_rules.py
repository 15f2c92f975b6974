"""Service of a notice: which method's rule applies, when it is deemed served, and whether it may be used."""

from __future__ import annotations

from datetime import date, timedelta

from shared.notices import rules
from shared.notices.calendar import next_business_day
from shared.notices.models import Check, ServiceMethod, Tenancy
from shared.notices.rules import BOOK, Rule, RuleBook

METHOD_RULES = {
    ServiceMethod.HAND: rules.SERVICE_HAND,
    ServiceMethod.MAILBOX: rules.SERVICE_MAILBOX,
    ServiceMethod.MAIL: rules.SERVICE_MAIL,
    ServiceMethod.COURIER: rules.SERVICE_COURIER,
    ServiceMethod.EMAIL: rules.SERVICE_EMAIL,
}


def service_rule(method: ServiceMethod, served_on: date, book: RuleBook = BOOK) -> Rule:
    return book.rule(METHOD_RULES[method], served_on)


def deemed_served_on(method: ServiceMethod, served_on: date, book: RuleBook = BOOK) -> date:
    """The day the law treats the notice as given: the day every notice period counts from."""
    rule = service_rule(method, served_on, book)
    deemed = served_on + timedelta(days=rule.days)
    for _ in range(rule.business_days):
        deemed = next_business_day(deemed)
    return deemed


def service_check(method: ServiceMethod, served_on: date, tenancy: Tenancy, book: RuleBook = BOOK) -> Check:
    """Whether this method may be used for this tenancy (email needs the tenant's consent)."""
    rule = service_rule(method, served_on, book)
    deemed = deemed_served_on(method, served_on, book)
    if rule.requires_consent and not tenancy.email_service_consent:
        return Check(rule=rule.key, citation=rule.citation, ok=False,
                     message="The tenant has not consented to service by email; serve it another way.")
    return Check(rule=rule.key, citation=rule.citation, ok=True,
                 message=f"Served by {method.value} on {served_on.isoformat()}: deemed served on "
                         f"{deemed.isoformat()}.")
