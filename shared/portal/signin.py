"""Passwordless sign-in for residents: a magic link and a 6-digit code, mailed together.

Issuing (the AccountMail worker): only an owner's or tenant's resident record with that address gets
a mail, and never when the address is a staff member's (staff sign in with password + MFA). Link and
code are single use, live 15 minutes and are stored as digests; a newer mail replaces the older code.
Verifying: the link's token, or community + address + code; five wrong codes void the link. The first
sign-in creates the resident's portal user, linked to the record by id, with the record's role.
Every attempt is audited with the address masked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from shared.community import repository as communities
from shared.community.models import Community
from shared.identity import repository as identity_repository
from shared.identity import service as identity
from shared.identity import tokens
from shared.identity.models import User
from shared.platform import clock, ids, ratelimit
from shared.platform.context import RequestMeta
from shared.platform.errors import InvalidCredentials, TokenInvalid
from shared.platform.masking import mask_email
from shared.platform.observability import logger
from shared.portal import mail, repository
from shared.portal.mail_requests import AccountRequest
from shared.portal.schemas import MagicLinkVerify
from shared.residents import repository as residents
from shared.residents.models import Resident
from shared.spec.permissions import PORTAL_ROLES, Role

LINK_TTL_S = 15 * 60
MAX_CODE_ATTEMPTS = 5
CODE_DIGITS = 6


def address_hash(community_id: str, email: str) -> str:
    return hashlib.sha256(f"{community_id}:{email.strip().lower()}".encode()).hexdigest()


def code_hash(token_hash: str, code: str) -> str:
    """The code's digest, salted with its own link's digest (so equal codes never share a digest)."""
    return hashlib.sha256(f"{token_hash}:{code}".encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def _staff_user(community_id: str, email: str) -> User | None:
    """A community user with this address who is not a resident user (staff: password + MFA only)."""
    user = identity_repository.user_by_email(community_id, email)
    return user if user is not None and user.role not in PORTAL_ROLES else None


def refusal(community_id: str, resident: Resident | None) -> str | None:
    """Why `resident` may not have a magic link (None: they may)."""
    if resident is None or not resident.email:
        return "unknown_address"
    if Role(str(resident.role)) not in PORTAL_ROLES:
        return "not_a_portal_role"  # a board member's record: board members are staff
    if _staff_user(community_id, resident.email) is not None:
        return "staff_address"
    user = repository.portal_user(community_id, resident.id)
    if user is not None and user.status != "active":
        return "portal_user_suspended"
    return None


def issue(request: AccountRequest) -> str:
    """Mail a link and code when the request names a resident who may have one; the outcome."""
    community = _community_of(request)
    if community is None:
        logger.info("magic link for an unknown community", extra={"email": mask_email(request.email)})
        return "unknown_community"
    if request.resident_id is not None:
        resident = residents.get(community.id, request.resident_id)
    else:
        resident = residents.by_email(community.id, request.email or "")
    reason = refusal(community.id, resident)
    outcome = reason or "sent"
    if reason is None and resident is not None and resident.email:
        token = tokens.new_opaque(community.id)
        code = new_code()
        token_hash = tokens.opaque_hash(token)
        link = repository.MagicLink(community_id=community.id, token_hash=token_hash, resident_id=resident.id,
                                    address_hash=address_hash(community.id, resident.email),
                                    expires_at=clock.epoch() + LINK_TTL_S)
        try:
            repository.create_magic_link(link, code_hash(token_hash, code), request_id=request.id,
                                         kind=request.kind)
        except repository.AlreadyHandled:
            return "already_handled"
        mail.send_magic_link(community.id, resident.email, token=token, code=code,
                             first_name=resident.first_name, community_name=community.name,
                             community_slug=community.slug)
    action = "resident.portal_invited" if request.kind == "portal_invite" else "auth.magic_link.requested"
    identity.audit(action, community.id, request.meta, actor=request.actor_id,
                   target=resident.id if resident is not None else None,
                   email=mask_email(request.email or (resident.email if resident else None)), outcome=outcome)
    return outcome


def _community_of(request: AccountRequest) -> Community | None:
    if request.community_id is not None:
        return communities.get_community(request.community_id)
    return communities.community_by_slug(request.community or "") if request.community else None


def verify(request: MagicLinkVerify, meta: RequestMeta) -> identity.Issued:
    """Use a link (by token) or its code; the resident user's new session."""
    ratelimit.hit(ratelimit.MAGIC_VERIFY_PER_IP, meta.ip)
    if request.token is not None:
        community_id = tokens.opaque_community(request.token)
        link = repository.take_magic_link(community_id, tokens.opaque_hash(request.token))
        if link is None:
            _audit_refused(community_id, meta, None, "link_invalid_or_used")
            raise TokenInvalid("This sign-in link is invalid, used or expired; ask for a new one.")
        method = "link"
    else:
        link, community_id = _by_code(request, meta)
        method = "code"
    community = communities.get_community(community_id)
    resident = residents.get(community_id, link.resident_id)
    if community is None or resident is None:
        raise TokenInvalid("This sign-in link is invalid, used or expired; ask for a new one.")
    reason = refusal(community_id, resident)
    if reason is not None:
        _audit_refused(community_id, meta, resident.id, reason, email=resident.email)
        raise TokenInvalid("This sign-in link is invalid, used or expired; ask for a new one.")
    user = _portal_user(community, resident)
    issued = identity.start_session(user, community, meta)
    identity.audit("auth.magic_link.signed_in", community_id, meta, actor=user.id, target=resident.id,
                   email=mask_email(resident.email), method=method, session_id=issued.session.id)
    return issued


def _by_code(request: MagicLinkVerify, meta: RequestMeta) -> tuple[repository.MagicLink, str]:
    email, slug = request.email or "", request.community or ""
    ratelimit.hit(ratelimit.MAGIC_VERIFY_PER_ADDRESS, f"{slug}:{email}")
    community = communities.community_by_slug(slug)
    invalid = TokenInvalid("This code is invalid, used or expired; ask for a new one.")
    if community is None:
        raise invalid
    code = repository.get_code(community.id, address_hash(community.id, email))
    if code is None or code.expires_at <= clock.epoch():
        _audit_refused(community.id, meta, None, "code_invalid_or_used", email=email)
        raise invalid
    tries = repository.count_code_attempt(code, max_attempts=MAX_CODE_ATTEMPTS)
    if tries is None:
        _audit_refused(community.id, meta, code.resident_id, "code_voided", email=email)
        raise invalid
    if not hmac.compare_digest(code_hash(code.token_hash, request.code or ""), code.code_hash):
        voided = tries >= MAX_CODE_ATTEMPTS
        if voided:
            repository.void_magic_link(code)
        identity.audit("auth.magic_link.code_failed", community.id, meta, target=code.resident_id,
                       email=mask_email(email), attempt=tries, voided=voided)
        raise InvalidCredentials("The code is not valid.")
    link = repository.take_by_code(code)
    if link is None:
        raise invalid
    return link, community.id


def _audit_refused(community_id: str, meta: RequestMeta, resident_id: str | None, reason: str,
                   email: str | None = None) -> None:
    if communities.get_community(community_id) is None:
        return  # a made-up community prefix: no trail to write to
    identity.audit("auth.magic_link.refused", community_id, meta, target=resident_id, email=mask_email(email),
                   reason=reason)


def _portal_user(community: Community, resident: Resident) -> User:
    """The resident's portal user, created at the first sign-in (its role follows the record's)."""
    role = Role(str(resident.role))
    user = repository.portal_user(community.id, resident.id)
    if user is None:
        now = clock.iso()
        candidate = User(
            id=ids.new_id(), community_id=community.id, email=resident.email or "",
            full_name=f"{resident.first_name} {resident.last_name}".strip(), role=role, status="active",
            password_hash="", email_verified=True, mfa_enabled=False, created_at=now, updated_at=now,
            resident_id=resident.id,
        )
        if repository.create_portal_user(candidate):
            return candidate
        user = repository.portal_user(community.id, resident.id)
        if user is None:  # pragma: no cover - the link exists, so its user does
            raise TokenInvalid()
    if user.role != role:  # an owner who became a tenant (or back): the record decides
        user = identity_repository.update_user(user, role=role)
    return user
