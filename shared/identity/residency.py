"""Which resident record a signed-in owner or tenant is: the one scoping rule of the residents' portal.

A portal user is linked to their resident record by id when they first sign in by magic link
(`shared.portal.signin`), never by matching email addresses at read time, so a resident whose
address changes keeps their link and a stranger who takes over an old address gets nothing. Every
"their own only" read (messages, assets, tenancies) asks this function and nothing else.
"""

from __future__ import annotations

from shared.identity import repository
from shared.platform.context import Caller
from shared.spec.permissions import PORTAL_ROLES


def resident_of(caller: Caller) -> str | None:
    """The caller's resident id when they are a resident user (owner/tenant with a portal link), else None."""
    if caller.role not in PORTAL_ROLES or caller.is_platform:
        return None
    user = repository.get_user(caller.community_id, caller.user_id)
    return user.resident_id if user is not None and user.status == "active" else None
