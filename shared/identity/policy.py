"""Identity rules other domains enforce, kept free of identity's services (no import cycles)."""

from __future__ import annotations

from shared.identity import repository
from shared.platform.context import Caller
from shared.platform.errors import EmailUnverified


def require_verified_email(caller: Caller) -> None:
    """Sending needs a verified address: 403 `EMAIL_UNVERIFIED` until the signup mail's link is used."""
    user = repository.get_user(caller.community_id, caller.user_id)
    if user is None or not user.email_verified:
        raise EmailUnverified()
