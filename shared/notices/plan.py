"""One row of the rent-increase plan: when a tenancy's rent may next go up, by how much, and serve-by dates."""

from __future__ import annotations

from datetime import date, timedelta

from shared.notices import n1, rules
from shared.notices.models import PlanRow, ServeBy, ServiceMethod, Tenancy
from shared.notices.reminders import last_day_to_serve
from shared.notices.rules import BOOK, RuleBook


def plan_row(tenancy: Tenancy, today: date, book: RuleBook = BOOK) -> PlanRow:
    """`next_eligible_on` is the 12-month date, or, when that is under 90 days away, 90 days from today (an N1
    handed over today). `serve_by.mail` is None when mail can no longer reach that date."""
    notice = book.rule(rules.N1_NOTICE_PERIOD, today)
    next_on = max(n1.anniversary(tenancy, today, book), today + timedelta(days=notice.days))
    guideline = book.guideline(next_on.year)
    exempt = n1.is_exempt(tenancy, today, book)
    by_mail = last_day_to_serve(ServiceMethod.MAIL, next_on, today, book)
    return PlanRow(
        tenancy_id=tenancy.id, unit_id=tenancy.unit_id, current_rent=tenancy.rent, next_eligible_on=next_on,
        guideline_pct=guideline.pct, max_rent=None if exempt else n1.max_rent(tenancy.rent, guideline.pct),
        exempt=exempt,
        serve_by=ServeBy(hand=last_day_to_serve(ServiceMethod.HAND, next_on, today, book),
                         mail=by_mail if by_mail >= today else None),
    )
