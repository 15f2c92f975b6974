"""The reminders a notice needs, as dates computed from its effective date and the rule book.

N1 — the last day to serve by hand and by mail (a reminder 14 days and 1 day before each), and the increase
date; once served only the increase date remains. N4 — the termination date, and 7 days before the 30-day
window to file an L1 closes. N11 — the same with the L3. Recomputing yields the same `Reminder.key`s, so the
service can store them idempotently and cancel the ones that disappear.
"""

from __future__ import annotations

from datetime import date, timedelta

from shared.notices import rules
from shared.notices.models import NoticeType, Reminder, ServiceMethod
from shared.notices.rules import BOOK, RuleBook
from shared.notices.service_rules import service_rule

SERVE_BY_LEADS = (14, 1)  # days before the last day to serve
WINDOW_LEAD = 7  # days before the filing window closes


def last_day_to_serve(method: ServiceMethod, effective_on: date, on: date, book: RuleBook = BOOK) -> date:
    """The last day an N1 can be served by `method` (hand or mail: calendar days) and still take effect then."""
    notice = book.rule(rules.N1_NOTICE_PERIOD, on)
    return effective_on - timedelta(days=notice.days + service_rule(method, on, book).days)


def _n1(effective_on: date, served: bool, on: date, book: RuleBook) -> list[Reminder]:
    notice = book.rule(rules.N1_NOTICE_PERIOD, on)
    found = [Reminder(kind="increase_date", due_on=effective_on, about_on=effective_on, citation=notice.citation,
                      message=f"The rent increase takes effect today ({effective_on.isoformat()}).")]
    if served:
        return found
    for method in (ServiceMethod.HAND, ServiceMethod.MAIL):
        last = last_day_to_serve(method, effective_on, on, book)
        citation = f"{notice.citation}; {service_rule(method, on, book).citation}"
        for lead in SERVE_BY_LEADS:
            found.append(Reminder(
                kind=f"serve_by_{method.value}", due_on=last - timedelta(days=lead), about_on=last, citation=citation,
                message=f"Serve the N1 by {method.value} by {last.isoformat()} (in {lead} "
                        f"day{'s' if lead > 1 else ''}) for the increase on {effective_on.isoformat()}."))
    return found


def _termination(notice: NoticeType, effective_on: date, on: date, book: RuleBook) -> list[Reminder]:
    window_key, termination_key, form = (
        (rules.N4_L1_WINDOW, rules.N4_TERMINATION, "L1") if notice == NoticeType.N4
        else (rules.N11_L3_WINDOW, rules.N11_TERMINATION, "L3"))
    window = book.rule(window_key, on)
    closes = effective_on + timedelta(days=window.days)
    return [
        Reminder(kind="termination_date", due_on=effective_on, about_on=effective_on,
                 citation=book.rule(termination_key, on).citation,
                 message=f"The {notice.value.upper()} termination date is today ({effective_on.isoformat()})."),
        Reminder(kind=f"{form.lower()}_window", due_on=closes - timedelta(days=WINDOW_LEAD), about_on=closes,
                 citation=window.citation,
                 message=f"The window to file an {form} closes on {closes.isoformat()} (in {WINDOW_LEAD} days)."),
    ]


def reminders(notice: NoticeType, effective_on: date, *, served: bool, on: date, book: RuleBook = BOOK,
              not_before: date | None = None) -> tuple[Reminder, ...]:
    """The notice's reminders, in due order. `on`: the service day (or today for a draft) picking the rules;
    `not_before`: drop reminders already due before that day (a notice entered late). N4 and N11 drafts have
    none: their dates count from service."""
    if notice == NoticeType.N1:
        found = _n1(effective_on, served, on, book)
    elif served:
        found = _termination(notice, effective_on, on, book)
    else:
        found = []
    kept = [r for r in found if not_before is None or r.due_on >= not_before]
    return tuple(sorted(kept, key=lambda r: (r.due_on, r.kind)))
