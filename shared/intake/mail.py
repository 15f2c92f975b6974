"""The mail an application sends: a confirmation to the applicant, a notice to the community's staff.

Both go through the outbox as transactional system mail (`shared.messaging.system`), rendered in the
template sandbox, so an applicant's name is escaped like any variable.
"""

from __future__ import annotations

from shared.messaging import system
from shared.messaging.system import SystemMail
from shared.platform.links import app_link

CONFIRMATION = SystemMail(
    kind="application_confirmation",
    subject="We received your rental application to {{ community_name }}",
    html=(
        "<p>Hello {{ full_name }},</p>"
        "<p>Thank you for applying to {{ community_name }}. We received your application on {{ submitted_on }} "
        "and will be in touch.</p>"
        "<p>Your reference: <code>{{ reference }}</code></p>"
        "<p>If you did not apply, ignore this mail.</p>"
    ),
    text=(
        "Hello {{ full_name }},\n\nThank you for applying to {{ community_name }}. We received your application "
        "on {{ submitted_on }} and will be in touch.\n\nYour reference: {{ reference }}\n\n"
        "If you did not apply, ignore this mail.\n"
    ),
)

STAFF_NOTICE = SystemMail(
    kind="application_notice",
    subject="New rental application: {{ applicant_name }}",
    html=(
        "<p>{{ applicant_name }} applied to {{ community_name }} on form version {{ form_version }}.</p>"
        '<p><a href="{{ link }}">Review the application</a></p>'
    ),
    text=(
        "{{ applicant_name }} applied to {{ community_name }} on form version {{ form_version }}.\n\n"
        "Review the application: {{ link }}\n"
    ),
)


def send_confirmation(community_id: str, to: str, *, full_name: str, community_name: str, reference: str,
                      submitted_on: str) -> str:
    return system.send(community_id, to, CONFIRMATION, {
        "full_name": full_name, "community_name": community_name, "reference": reference,
        "submitted_on": submitted_on,
    })


def send_staff_notice(community_id: str, to: str, *, applicant_name: str, community_name: str,
                      application_id: str, form_version: int) -> str:
    return system.send(community_id, to, STAFF_NOTICE, {
        "applicant_name": applicant_name, "community_name": community_name, "form_version": form_version,
        "link": app_link("/applications", id=application_id),
    })
