"""The mail an account gets from identity: email verification and invitations, with links into the SPA.

Identity says what to mail through its `AccountMailer` port (shared.identity.mail) and never imports
the outbox; this module is that port's implementation, which the handlers and the seeding pass in.
"""

from __future__ import annotations

from shared.messaging import system
from shared.messaging.system import SystemMail
from shared.platform.links import app_link

VERIFY_EMAIL = SystemMail(
    kind="email_verification",
    subject="Confirm your email for {{ community_name }}",
    html=(
        "<p>Hello {{ full_name }},</p>"
        "<p>Confirm this address to start sending from {{ community_name }} on Porchlight:</p>"
        '<p><a href="{{ link }}">Confirm my email</a></p>'
        "<p>Or paste this code where you were asked for it: <code>{{ token }}</code></p>"
        "<p>The link works once and expires in 48 hours. If you did not sign up, ignore this mail.</p>"
    ),
    text=(
        "Hello {{ full_name }},\n\nConfirm this address to start sending from {{ community_name }} on Porchlight:\n"
        "{{ link }}\n\nOr paste this code: {{ token }}\n\n"
        "The link works once and expires in 48 hours. If you did not sign up, ignore this mail.\n"
    ),
)

INVITATION = SystemMail(
    kind="invitation",
    subject="You are invited to {{ community_name }} on Porchlight",
    html=(
        "<p>Hello{% if full_name %} {{ full_name }}{% endif %},</p>"
        "<p>{{ inviter }} invited you to join {{ community_name }} on Porchlight as {{ role }}.</p>"
        '<p><a href="{{ link }}">Accept the invitation</a></p>'
        "<p>The invitation works once and expires in 7 days.</p>"
    ),
    text=(
        "Hello{% if full_name %} {{ full_name }}{% endif %},\n\n"
        "{{ inviter }} invited you to join {{ community_name }} on Porchlight as {{ role }}.\n\n"
        "Accept the invitation: {{ link }}\n\nThe invitation works once and expires in 7 days.\n"
    ),
)


def send_verification(community_id: str, to: str, *, token: str, full_name: str, community_name: str) -> str:
    return system.send(community_id, to, VERIFY_EMAIL, {
        "full_name": full_name, "community_name": community_name, "token": token,
        "link": app_link("/verify-email", token=token),
    })


def send_invitation(community_id: str, to: str, *, token: str, full_name: str | None, community_name: str,
                    inviter: str, role: str) -> str:
    return system.send(community_id, to, INVITATION, {
        "full_name": full_name or "", "community_name": community_name, "inviter": inviter, "role": role,
        "link": app_link("/accept-invitation", token=token),
    })
