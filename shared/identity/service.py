"""Identity use cases: signup, two-step login, refresh with rotation and reuse detection, logout, me.

Plain Python over the repositories; handlers only parse and shape. A token's `scope` is decided
each time one is issued (login, MFA verify, refresh) from the user and the community's policy, so
enrolling or a policy change takes effect at the next refresh. Every security event is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from shared.audit.events import AuditEvent, publish
from shared.community import repository as communities
from shared.community.models import Community
from shared.community.schemas import CommunityOut
from shared.identity import (
    invitation_repository,
    mfa_repository,
    passwords,
    repository,
    slugs,
    tokens,
    totp,
    vault,
)
from shared.identity import (
    phantom_repository as phantoms,
)
from shared.identity.mail import AccountMailer
from shared.identity.models import MfaChallenge, RefreshRecord, Session, User
from shared.identity.schemas import (
    LoginRequest,
    MeResponse,
    MfaChallengeBody,
    SessionList,
    SessionOut,
    SignupRequest,
    TokenBody,
    UserOut,
)
from shared.onboarding import service as onboarding
from shared.platform import clock, cursor, ids, keys, ratelimit
from shared.platform.context import SCOPE_FULL, SCOPE_MFA_ENROLLMENT, Caller, RequestMeta
from shared.platform.errors import (
    AuthLocked,
    InvalidCredentials,
    MfaInvalidCode,
    NotFound,
    TokenInvalid,
    TokenReused,
)
from shared.platform.masking import mask_email
from shared.platform.observability import logger
from shared.spec.permissions import GRANTS, Role, allows

DEFAULT_MFA_ROLES = [Role.ADMIN, Role.MANAGER, Role.BOARD]
LOCK_AFTER_FAILURES = 5
_NO_COMMUNITY = "-"  # not a ULID: a login to an unknown community looks its user up here, and misses
LOCK_S = 10 * 60
MFA_TOKEN_TTL_S = 5 * 60
MFA_MAX_ATTEMPTS = 5
VERIFY_TTL_S = 48 * 3600


@dataclass(frozen=True)
class Issued:
    user: User
    community: Community | None
    session: Session
    access_token: str
    refresh_token: str


def audit(action: str, community_id: str, meta: RequestMeta, *, actor: str | None = None,
          target: str | None = None, **detail: object) -> None:
    publish(AuditEvent(community_id=community_id, action=action, actor_id=actor, target=target,
                       ip=meta.ip, user_agent=meta.user_agent[:512], detail=dict(detail)))


def user_out(user: User, community: Community | None) -> UserOut:
    return UserOut(
        id=user.id, email=user.email, full_name=user.full_name, role=user.role, status=user.status,
        email_verified=user.email_verified, mfa_enabled=user.mfa_enabled,
        mfa_required=user.requires_mfa(community), created_at=user.created_at,
    )


def community_out(community: Community | None) -> CommunityOut | None:
    if community is None:
        return None
    return CommunityOut(id=community.id, slug=community.slug, name=community.name)


def token_body(issued: Issued) -> TokenBody:
    return TokenBody(
        community=community_out(issued.community),
        user=user_out(issued.user, issued.community),
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=tokens.ACCESS_TTL_S,
    )


def start_session(user: User, community: Community | None, meta: RequestMeta) -> Issued:
    now = clock.iso()
    expires_at = clock.epoch() + tokens.REFRESH_TTL_S
    session = Session(
        id=ids.new_id(), user_id=user.id, community_id=user.community_id, status="active",
        device=meta.user_agent[:256], ip=meta.ip, created_at=now, last_used_at=now, expires_at=expires_at,
    )
    refresh = tokens.new_opaque(user.community_id)
    record = RefreshRecord(
        community_id=user.community_id, token_hash=tokens.opaque_hash(refresh), session_id=session.id,
        user_id=user.id, used=False, expires_at=expires_at,
    )
    repository.create_session(session, record)
    return Issued(user, community, session, _access_for(user, community, session), refresh)


def scope_for(user: User, community: Community | None) -> str:
    """Full, unless the user's role requires MFA and they have not enrolled yet."""
    if user.requires_mfa(community) and not user.mfa_enabled:
        return SCOPE_MFA_ENROLLMENT
    return SCOPE_FULL


def _access_for(user: User, community: Community | None, session: Session) -> str:
    caller = Caller(user_id=user.id, community_id=user.community_id, role=user.role,
                    session_id=session.id, scope=scope_for(user, community))
    return tokens.issue_access(caller)


def signup(request: SignupRequest, meta: RequestMeta, *, mailer: AccountMailer) -> Issued:
    ratelimit.hit(ratelimit.SIGNUP_PER_IP, meta.ip)
    now = clock.iso()
    community_id = ids.new_id()
    admin = User(
        id=ids.new_id(), community_id=community_id, email=request.email, full_name=request.full_name,
        role=Role.ADMIN, status="active", password_hash=passwords.hash_password(request.password),
        email_verified=False, mfa_enabled=False, created_at=now, updated_at=now,
    )
    for slug in slugs.candidates(request.community_name):
        community = Community(
            id=community_id, slug=slug, name=request.community_name, timezone="UTC",
            mfa_required_roles=list(DEFAULT_MFA_ROLES), created_at=now, updated_at=now,
        )
        try:
            repository.create_community(community, admin)
            break
        except communities.SlugTaken:
            continue
    else:  # pragma: no cover - the last candidate carries a random suffix
        raise RuntimeError("could not allocate a community slug")
    logger.info("community created", extra={"community_id": community_id, "slug": community.slug,
                                             "admin": mask_email(admin.email)})
    audit("community.created", community_id, meta, actor=admin.id, target=community_id, slug=community.slug)
    onboarding.start(community_id)
    send_verification(admin, community, mailer)
    return start_session(admin, community, meta)


def send_verification(user: User, community: Community, mailer: AccountMailer) -> None:
    """A single-use, 48-hour token by mail; a new one does not void earlier ones (mail can be slow)."""
    token = tokens.new_opaque(user.community_id)
    invitation_repository.create_verification(user, tokens.opaque_hash(token), clock.epoch() + VERIFY_TTL_S)
    mailer.send_verification(user.community_id, user.email, token=token, full_name=user.full_name,
                           community_name=community.name)


def resend_verification(caller: Caller, meta: RequestMeta, *, mailer: AccountMailer) -> None:
    user = repository.get_user(caller.community_id, caller.user_id)
    community = communities.get_community(caller.community_id)
    if user is None or community is None:
        raise NotFound()
    if user.email_verified:
        return
    ratelimit.hit(ratelimit.RESEND_VERIFICATION_PER_ACCOUNT, f"{user.community_id}:{user.id}")
    send_verification(user, community, mailer)
    audit("auth.email.verification_sent", user.community_id, meta, actor=user.id, target=user.id)


def verify_email(token: str, meta: RequestMeta) -> None:
    ratelimit.hit(ratelimit.VERIFY_EMAIL_PER_IP, meta.ip)
    community_id = tokens.opaque_community(token)
    taken = invitation_repository.take_verification(community_id, tokens.opaque_hash(token))
    if taken is None:
        raise TokenInvalid("This verification link is invalid, used or expired.")
    user_id, email = taken
    user = repository.get_user(community_id, user_id)
    if user is None or user.email != email:  # the address changed since the mail went out
        raise TokenInvalid("This verification link is invalid, used or expired.")
    repository.mark_email_verified(user)
    audit("auth.email.verified", community_id, meta, actor=user.id, target=user.id)


def login(request: LoginRequest, meta: RequestMeta) -> Issued | MfaChallengeBody:
    """Step one. Wrong passwords count towards a lock; a user with MFA gets a challenge, not tokens."""
    ratelimit.hit(ratelimit.LOGIN_PER_IP, meta.ip)
    if request.community is None:
        community, community_id = None, keys.PLATFORM
    else:
        community = communities.community_by_slug(request.community.lower())
        community_id = community.id if community else ""
    ratelimit.hit(ratelimit.LOGIN_PER_ACCOUNT, f"{community_id or request.community}:{request.email}")
    # An unknown community reads a user too (under an id no community has) and every path runs one
    # argon2 verify below: unknown community, unknown email and wrong password cost the same (issue 17).
    user = repository.user_by_email(community_id or _NO_COMMUNITY, request.email)
    if community_id == keys.PLATFORM and user is not None and user.role != Role.SUPER_ADMIN:
        user = None
    # No account: its failures count and lock like a real one's, so AUTH_LOCKED tells nothing either.
    phantom = phantoms.get(community_id or str(request.community), request.email) if user is None else None
    if (user.locked_until if user else phantom.locked_until if phantom else 0) > clock.epoch():
        if user is not None:
            audit("auth.login.locked", community_id, meta, target=user.id, email=mask_email(request.email))
        raise AuthLocked()
    valid = passwords.verify(user.password_hash if user else None, request.password)
    if user is None or not valid or user.status != "active":
        _login_failed(user, phantom, valid, community_id, request, meta)
    repository.clear_failed_logins(user)
    if passwords.needs_rehash(user.password_hash):
        repository.set_password_hash(user, passwords.hash_password(request.password))
    if user.mfa_enabled:
        token = tokens.new_opaque(community_id)
        mfa_repository.create_challenge(MfaChallenge(
            community_id=community_id, token_hash=tokens.opaque_hash(token), user_id=user.id,
            device=meta.user_agent[:256], attempts=0, used=False, expires_at=clock.epoch() + MFA_TOKEN_TTL_S,
        ))
        audit("auth.login.password_ok", community_id, meta, actor=user.id, next="mfa")
        return MfaChallengeBody(mfa_token=token)
    issued = start_session(user, community, meta)
    audit("auth.login.succeeded", community_id, meta, actor=user.id, session_id=issued.session.id,
          scope=scope_for(user, community))
    return issued


def _login_failed(user: User | None, phantom: phantoms.Phantom | None, valid: bool, community_id: str,
                  request: LoginRequest, meta: RequestMeta) -> NoReturn:
    """A failed first step: audited, counted towards the account's lock (a phantom's when none), 401."""
    if community_id:
        audit("auth.login.failed", community_id, meta, target=user.id if user else None,
              email=mask_email(request.email))
    if phantom is not None and phantoms.record_failure(phantom, lock_after=LOCK_AFTER_FAILURES, lock_s=LOCK_S):
        raise AuthLocked()
    if user is not None and not valid and repository.record_failed_login(
            user, lock_after=LOCK_AFTER_FAILURES, lock_s=LOCK_S):
        audit("auth.account.locked", community_id, meta, target=user.id, minutes=LOCK_S // 60)
        raise AuthLocked()
    raise InvalidCredentials()


def verify_mfa(mfa_token: str, code: str | None, backup_code: str | None, meta: RequestMeta) -> Issued:
    """Step two: a TOTP code (each accepted once) or a backup code (each usable once)."""
    ratelimit.hit(ratelimit.MFA_PER_IP, meta.ip)
    community_id = tokens.opaque_community(mfa_token)
    challenge = mfa_repository.get_challenge(community_id, tokens.opaque_hash(mfa_token))
    if challenge is None or challenge.used or challenge.expires_at <= clock.epoch():
        raise TokenInvalid("The sign-in step expired; sign in again.")
    ratelimit.hit(ratelimit.MFA_PER_ACCOUNT, f"{community_id}:{challenge.user_id}")
    if not mfa_repository.count_attempt(challenge, max_attempts=MFA_MAX_ATTEMPTS):
        raise TokenInvalid("Too many wrong codes; sign in again.")
    user = repository.get_user(community_id, challenge.user_id)
    if user is None or user.status != "active" or not user.mfa_enabled:
        raise TokenInvalid()
    method = "totp" if code is not None else "backup_code"
    accepted = check_totp(user, code) if code is not None else _use_backup(user, backup_code or "")
    if not accepted:
        audit("auth.mfa.failed", community_id, meta, target=user.id, method=method,
              attempt=challenge.attempts + 1)
        raise MfaInvalidCode()
    if not mfa_repository.finish_challenge(challenge):
        raise TokenInvalid("This sign-in step was already completed.")
    community = None if community_id == keys.PLATFORM else communities.get_community(community_id)
    issued = start_session(user, community, meta)
    audit("auth.login.succeeded", community_id, meta, actor=user.id, session_id=issued.session.id, mfa=method)
    if method == "backup_code":
        audit("auth.mfa.backup_code_used", community_id, meta, actor=user.id, target=user.id,
              remaining=max(len(user.backup_codes) - 1, 0))
    return issued


def check_totp(user: User, code: str) -> bool:
    """True when `code` is the user's current TOTP and its time step was not used before (no replay)."""
    if not user.totp_secret:
        return False
    secret = vault.open_sealed(user.totp_secret, community_id=user.community_id, user_id=user.id)
    step = totp.matching_step(secret, code, now=clock.epoch())
    return step is not None and mfa_repository.use_step(user, step)


def _use_backup(user: User, code: str) -> bool:
    return mfa_repository.use_backup_code(user, totp.backup_code_hash(code))


def refresh(refresh_token: str, meta: RequestMeta) -> Issued:
    community_id = tokens.opaque_community(refresh_token)
    record = repository.get_refresh(community_id, tokens.opaque_hash(refresh_token))
    if record is None or record.expires_at <= clock.epoch():
        raise TokenInvalid()
    session = repository.get_session(community_id, record.user_id, record.session_id)
    if session is None or session.status != "active" or session.expires_at <= clock.epoch():
        raise TokenInvalid()
    if record.used:
        _revoke_family(session, meta, "refresh token reused")
        raise TokenReused()
    user = repository.get_user(community_id, record.user_id)
    if user is None or user.status != "active":
        raise TokenInvalid()
    new_token = tokens.new_opaque(community_id)
    expires_at = clock.epoch() + tokens.REFRESH_TTL_S
    new_record = RefreshRecord(
        community_id=community_id, token_hash=tokens.opaque_hash(new_token), session_id=session.id,
        user_id=user.id, used=False, expires_at=expires_at,
    )
    if not repository.rotate_refresh(record, new_record, session):
        # Someone used this token between our read and our write: that is reuse too.
        _revoke_family(session, meta, "refresh token reused concurrently")
        raise TokenReused()
    community = None if community_id == keys.PLATFORM else communities.get_community(community_id)
    return Issued(user, community, session, _access_for(user, community, session), new_token)


def _revoke_family(session: Session, meta: RequestMeta, reason: str) -> None:
    if repository.revoke_session(session, reason):
        logger.warning("session family revoked", extra={"community_id": session.community_id,
                                                        "session_id": session.id, "reason": reason})
        audit("auth.session.revoked", session.community_id, meta, target=session.id, reason=reason)


def logout(caller: Caller, meta: RequestMeta) -> None:
    session = repository.get_session(caller.community_id, caller.user_id, caller.session_id)
    if session is not None and repository.revoke_session(session, "logout"):
        audit("auth.logout", caller.community_id, meta, actor=caller.user_id, target=session.id)


def revoke_own_session(caller: Caller, session_id: str, meta: RequestMeta) -> None:
    session = repository.get_session(caller.community_id, caller.user_id, session_id)
    if session is None or session.status != "active":
        raise NotFound("No such session.")
    if repository.revoke_session(session, "revoked by user"):
        audit("auth.session.revoked", caller.community_id, meta, actor=caller.user_id, target=session_id,
               reason="revoked by user")


def sessions(caller: Caller, *, limit: int, after: str | None) -> SessionList:
    start = cursor.decode(caller.community_id, after)
    items, last = repository.list_sessions(caller.community_id, caller.user_id, limit=limit, after=start)
    return SessionList(
        items=[SessionOut(id=s.id, device=s.device, ip=s.ip, created_at=s.created_at,
                          last_used_at=s.last_used_at, current=s.id == caller.session_id) for s in items],
        next_cursor=cursor.encode(caller.community_id, last),
    )


def me(caller: Caller) -> MeResponse:
    user = repository.get_user(caller.community_id, caller.user_id)
    if user is None:
        raise NotFound()
    community = None if caller.is_platform else communities.get_community(caller.community_id)
    permissions = sorted(str(p) for p in GRANTS if allows(user.role, p))
    return MeResponse(user=user_out(user, community), community=community_out(community), permissions=permissions)


def create_super_admin(email: str, password: str, full_name: str = "Platform Admin",
                       totp_secret: str | None = None) -> User:
    """The platform's super admin (no community); idempotent by email.

    MFA is mandatory for this role: without `totp_secret` the account can only enroll until it has
    (restricted tokens); with it, the account is enrolled with that secret from the start.
    """
    existing = repository.user_by_email(keys.PLATFORM, email.lower())
    if existing is not None:
        return existing
    now = clock.iso()
    user = User(
        id=ids.new_id(), community_id=keys.PLATFORM, email=email.lower(), full_name=full_name,
        role=Role.SUPER_ADMIN, status="active", password_hash=passwords.hash_password(password),
        email_verified=True, mfa_enabled=False, created_at=now, updated_at=now,
    )
    repository.create_user(user)
    if totp_secret:
        enroll_known_secret(user, totp_secret)
    return repository.get_user(user.community_id, user.id) or user


def enroll_known_secret(user: User, secret: str) -> list[str]:
    """Enroll `user` with a secret chosen elsewhere (the super-admin command and dev seeding only);
    the new backup codes (none when already enrolled)."""
    if user.mfa_enabled:
        return []
    sealed = vault.seal(secret, community_id=user.community_id, user_id=user.id)
    codes = totp.new_backup_codes()
    mfa_repository.set_pending(user, sealed)
    mfa_repository.activate(user, sealed=sealed, step=0, backup_hashes={totp.backup_code_hash(c) for c in codes})
    return codes
