"""The mail of the residents' portal and of account recovery, sent through the outbox like all mail."""

from __future__ import annotations

from urllib.parse import urlencode

from shared.messaging import system
from shared.messaging.system import SystemMail
from shared.platform.settings import settings

MAGIC_LINK = SystemMail(
    kind="magic_link",
    subject="Your sign-in link for {{ community_name }}",
    html=(
        "<p>Hello {{ first_name }},</p>"
        "<p>Sign in to the {{ community_name }} resident portal:</p>"
        '<p><a href="{{ link }}">Sign in</a></p>'
        "<p>Or enter this code where you asked for it: <strong>{{ code }}</strong> "
        "(community: {{ community_slug }})</p>"
        "<p>The link and the code work once and expire in 15 minutes. "
        "If you did not ask to sign in, ignore this mail.</p>"
    ),
    text=(
        "Hello {{ first_name }},\n\nSign in to the {{ community_name }} resident portal:\n{{ link }}\n\n"
        "Or enter this code where you asked for it: {{ code }} (community: {{ community_slug }})\n\n"
        "The link and the code work once and expire in 15 minutes. If you did not ask to sign in, ignore this mail.\n"
    ),
)

PASSWORD_RESET = SystemMail(
    kind="password_reset",
    subject="Reset your Porchlight password{% if community_name %} for {{ community_name }}{% endif %}",
    html=(
        "<p>Hello {{ full_name }},</p>"
        "<p>Someone asked to reset the password of this account. Choose a new one here:</p>"
        '<p><a href="{{ link }}">Reset my password</a></p>'
        "<p>The link works once and expires in 30 minutes; every signed-in session ends when it is used. "
        "If you did not ask for this, ignore this mail: your password stays as it is.</p>"
    ),
    text=(
        "Hello {{ full_name }},\n\nSomeone asked to reset the password of this account. Choose a new one here:\n"
        "{{ link }}\n\nThe link works once and expires in 30 minutes; every signed-in session ends when it is used. "
        "If you did not ask for this, ignore this mail: your password stays as it is.\n"
    ),
)


def portal_link(token: str) -> str:
    """The portal page (`portal_url` stack context; locally the dev server's page) with the token."""
    return f"{settings().portal_url.rstrip('/')}?{urlencode({'token': token})}"


def send_magic_link(community_id: str, to: str, *, token: str, code: str, first_name: str,
                    community_name: str, community_slug: str) -> str:
    return system.send(community_id, to, MAGIC_LINK, {
        "first_name": first_name, "community_name": community_name, "community_slug": community_slug,
        "code": code, "link": portal_link(token),
    })


def send_password_reset(community_id: str, to: str, *, token: str, full_name: str, community_name: str) -> str:
    link = f"{settings().app_url.rstrip('/')}/reset-password?{urlencode({'token': token})}"
    return system.send(community_id, to, PASSWORD_RESET, {
        "full_name": full_name, "community_name": community_name, "link": link,
    })
