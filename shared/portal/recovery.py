"""Password reset for every password user, the platform's super admin included.

`forgot` is answered 202 before any lookup (`shared.portal.mail_requests`); the AccountMail worker mails a
single-use link valid 30 minutes to an active password user with that address, storing only the
token's digest. `reset` checks the new password as signup does, uses the token once, sets the
password, unlocks the account and revokes every session of the user. MFA is untouched: an enrolled
user is still asked for a code at the next login. Both steps are audited, the address masked.
"""

from __future__ import annotations

from shared.community import repository as communities
from shared.community.models import Community
from shared.identity import passwords, tokens
from shared.identity import repository as identity_repository
from shared.identity import service as identity
from shared.platform import clock, keys, ratelimit
from shared.platform.context import RequestMeta
from shared.platform.errors import FieldError, TokenInvalid, ValidationFailed
from shared.platform.masking import mask_email
from shared.platform.observability import logger
from shared.portal import mail, repository
from shared.portal.mail_requests import AccountRequest
from shared.spec.permissions import Role

RESET_TTL_S = 30 * 60
_INVALID = "This reset link is invalid, used or expired; ask for a new one."


def _community(slug: str | None) -> tuple[str | None, Community | None]:
    if slug is None:
        return keys.PLATFORM, None
    community = communities.community_by_slug(slug)
    return (community.id if community else None), community


def issue(request: AccountRequest) -> str:
    """Mail a reset link when the address is an active password user's; the outcome."""
    community_id, community = _community(request.community)
    if community_id is None:
        logger.info("password reset for an unknown community", extra={"email": mask_email(request.email)})
        return "unknown_community"
    user = identity_repository.user_by_email(community_id, request.email or "")
    if community_id == keys.PLATFORM and user is not None and user.role != Role.SUPER_ADMIN:
        user = None
    if user is None:
        outcome = "unknown_address"
    elif not user.password_hash or user.status != "active":
        outcome = "not_a_password_user" if not user.password_hash else "user_suspended"
    else:
        outcome = "sent"
        token = tokens.new_opaque(community_id)
        grant = repository.PasswordResetGrant(community_id=community_id, token_hash=tokens.opaque_hash(token),
                                              user_id=user.id, email=user.email,
                                              expires_at=clock.epoch() + RESET_TTL_S)
        try:
            repository.create_password_reset(grant, request_id=request.id)
        except repository.AlreadyHandled:
            return "already_handled"
        mail.send_password_reset(community_id, user.email, token=token, full_name=user.full_name,
                                 community_name=community.name if community else "")
    identity.audit("auth.password.reset_requested", community_id, request.meta,
                   target=user.id if user else None, email=mask_email(request.email), outcome=outcome)
    return outcome


def weakness(password: str, *, email: str, community_name: str | None) -> str | None:
    """Why `password` may not be chosen (None: it may): signup's length rule, and not made of the
    account's own address or community name, which anyone who knows the account can guess."""
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        return f"must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters"
    folded = password.casefold()
    local = email.partition("@")[0].casefold()
    guesses = {email.casefold(), local, (community_name or "").casefold(),
               "".join((community_name or "").split()).casefold()}
    for guess in guesses:
        if len(guess) >= 4 and guess in folded:
            return "must not contain the account's email or community name"
    return None


def reset(token: str, password: str, meta: RequestMeta) -> None:
    ratelimit.hit(ratelimit.PASSWORD_RESET_PER_IP, meta.ip)
    community_id = tokens.opaque_community(token)
    grant = repository.get_password_reset(community_id, tokens.opaque_hash(token))
    user = identity_repository.get_user(community_id, grant.user_id) if grant else None
    if grant is None or user is None or user.email != grant.email or user.status != "active":
        if communities.get_community(community_id) is not None or community_id == keys.PLATFORM:
            identity.audit("auth.password.reset_refused", community_id, meta,
                           target=user.id if user else None, reason="token_invalid_or_used")
        raise TokenInvalid(_INVALID)
    community = None if community_id == keys.PLATFORM else communities.get_community(community_id)
    problem = weakness(password, email=user.email, community_name=community.name if community else None)
    if problem is not None:
        raise ValidationFailed(details=[FieldError("password", problem)])  # the token stays usable
    if not repository.take_password_reset(grant):
        raise TokenInvalid(_INVALID)
    identity_repository.set_password_hash(user, passwords.hash_password(password))
    identity_repository.clear_failed_logins(user)
    revoked = identity_repository.revoke_user_sessions(community_id, user.id, "password reset")
    identity.audit("auth.password.reset", community_id, meta, actor=user.id, target=user.id,
                   email=mask_email(user.email), sessions_revoked=revoked)
