"""Demo data for the local runtime (`make dev`): the default form as version 1 and one application.

Idempotent: a community that already has an application is left alone. The application is written
as a submission would store it (valid under version 1, tests prove it), without the mails.
"""

from __future__ import annotations

from typing import Any

from shared.intake import forms, repository
from shared.intake.models import Applicant, Application, ApplicationStatus
from shared.platform import clock, ids

APPLICANT = Applicant(full_name="Priya Sharma", email="priya.sharma@example.com", phone="+14165550142")
ANSWERS: dict[str, Any] = {
    "personal": {"first_name": "Priya", "last_name": "Sharma", "date_of_birth": "1991-06-14",
                 "email": "priya.sharma@example.com", "phone": "+14165550142"},
    "current_address": {"address": {"line1": "88 Queens Quay W", "line2": "Unit 1204", "city": "Toronto",
                                    "province": "ON", "postal_code": "M5J 0B8"},
                        "moved_in_on": "2022-09-01", "monthly_rent": "2350.00", "reason_for_leaving": "More space"},
    "employment": {"status": "employed", "employer": "Lakeshore Health", "position": "Nurse",
                   "started_on": "2019-03-04", "monthly_income": "7400.00"},
    "occupants": [{"full_name": "Arjun Sharma", "relationship": "spouse"}],
    "pets": [{"kind": "cat", "breed": "Domestic shorthair", "weight_kg": 4.5}],
    "vehicles": [{"make": "Toyota Corolla", "year": 2018, "plate": "CKRT 214"}],
    "references": [{"full_name": "Dana Li", "relationship": "current landlord", "phone": "+14165550177"}],
    "credit_check_consent": True,
}


def seed(community_id: str) -> str | None:
    """The demo application's id, or None when the community already had applications."""
    form = forms.current(community_id)
    existing, _ = repository.page_applications(community_id, None, limit=1, after=None)
    if existing:
        return None
    now = clock.iso()
    application = Application(id=ids.new_id(), community_id=community_id, form_version=form.version,
                              answers=ANSWERS, applicant=APPLICANT, status=ApplicationStatus.SUBMITTED,
                              created_at=now, updated_at=now)
    repository.create_application(application)
    return application.id
