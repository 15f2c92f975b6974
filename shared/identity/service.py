"""Identity use cases: signup, login, refresh with rotation and reuse detection, logout, me.

Plain Python over the repository; handlers only parse and shape. Design for what comes next:
the token body's `scope` already distinguishes full tokens from the MFA-enrollment-only kind,
and every security event goes to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.audit.events import AuditEvent, publish
from shared.identity import passwords, repository, slugs, tokens
from shared.identity.models import Community, RefreshRecord, Session, User
from shared.identity.schemas import (
    CommunityDetail,
    CommunityOut,
    LoginRequest,
    MeResponse,
    SessionList,
    SessionOut,
    SignupRequest,
    TokenBody,
    UserOut,
)
from shared.platform import clock, cursor, ids, keys
from shared.platform.context import SCOPE_FULL, Caller, RequestMeta
from shared.platform.errors import InvalidCredentials, NotFound, TokenInvalid, TokenReused
from shared.platform.masking import mask_email
from shared.platform.observability import logger
from shared.spec.permissions import GRANTS, Role, allows

DEFAULT_MFA_ROLES = [Role.ADMIN, Role.MANAGER, Role.BOARD]


@dataclass(frozen=True)
class Issued:
    user: User
    community: Community | None
    session: Session
    access_token: str
    refresh_token: str


def _audit(action: str, community_id: str, meta: RequestMeta, *, actor: str | None = None,
           target: str | None = None, **detail: object) -> None:
    publish(AuditEvent(community_id=community_id, action=action, actor_id=actor, target=target,
                       ip=meta.ip, user_agent=meta.user_agent[:512], detail=dict(detail)))


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, email=user.email, full_name=user.full_name, role=user.role, status=user.status,
        email_verified=user.email_verified, mfa_enabled=user.mfa_enabled, created_at=user.created_at,
    )


def community_out(community: Community | None) -> CommunityOut | None:
    if community is None:
        return None
    return CommunityOut(id=community.id, slug=community.slug, name=community.name)


def token_body(issued: Issued) -> TokenBody:
    return TokenBody(
        community=community_out(issued.community),
        user=user_out(issued.user),
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=tokens.ACCESS_TTL_S,
    )


def _start_session(user: User, community: Community | None, meta: RequestMeta) -> Issued:
    now = clock.iso()
    expires_at = clock.epoch() + tokens.REFRESH_TTL_S
    session = Session(
        id=ids.new_id(), user_id=user.id, community_id=user.community_id, status="active",
        device=meta.user_agent[:256], ip=meta.ip, created_at=now, last_used_at=now, expires_at=expires_at,
    )
    refresh = tokens.new_refresh(user.community_id)
    record = RefreshRecord(
        community_id=user.community_id, token_hash=tokens.refresh_hash(refresh), session_id=session.id,
        user_id=user.id, used=False, expires_at=expires_at,
    )
    repository.create_session(session, record)
    return Issued(user, community, session, _access_for(user, session), refresh)


def _access_for(user: User, session: Session) -> str:
    caller = Caller(user_id=user.id, community_id=user.community_id, role=user.role,
                    session_id=session.id, scope=SCOPE_FULL)
    return tokens.issue_access(caller)


def signup(request: SignupRequest, meta: RequestMeta) -> Issued:
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
        except repository.SlugTaken:
            continue
    else:  # pragma: no cover - the last candidate carries a random suffix
        raise RuntimeError("could not allocate a community slug")
    logger.info("community created", extra={"community_id": community_id, "slug": community.slug,
                                             "admin": mask_email(admin.email)})
    _audit("community.created", community_id, meta, actor=admin.id, target=community_id, slug=community.slug)
    return _start_session(admin, community, meta)


def login(request: LoginRequest, meta: RequestMeta) -> Issued:
    if request.community is None:
        community, community_id = None, keys.PLATFORM
    else:
        community = repository.community_by_slug(request.community.lower())
        community_id = community.id if community else ""
    user = repository.user_by_email(community_id, request.email) if community_id else None
    if community_id == keys.PLATFORM and user is not None and user.role != Role.SUPER_ADMIN:
        user = None
    valid = passwords.verify(user.password_hash if user else None, request.password)
    if user is None or not valid or user.status != "active":
        if community_id:
            _audit("auth.login.failed", community_id, meta, target=user.id if user else None,
                   email=mask_email(request.email))
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        repository.set_password_hash(user, passwords.hash_password(request.password))
    issued = _start_session(user, community, meta)
    _audit("auth.login.succeeded", community_id, meta, actor=user.id, session_id=issued.session.id)
    return issued


def refresh(refresh_token: str, meta: RequestMeta) -> Issued:
    community_id = tokens.refresh_community(refresh_token)
    record = repository.get_refresh(community_id, tokens.refresh_hash(refresh_token))
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
    new_token = tokens.new_refresh(community_id)
    expires_at = clock.epoch() + tokens.REFRESH_TTL_S
    new_record = RefreshRecord(
        community_id=community_id, token_hash=tokens.refresh_hash(new_token), session_id=session.id,
        user_id=user.id, used=False, expires_at=expires_at,
    )
    if not repository.rotate_refresh(record, new_record, session):
        # Someone used this token between our read and our write: that is reuse too.
        _revoke_family(session, meta, "refresh token reused concurrently")
        raise TokenReused()
    community = None if community_id == keys.PLATFORM else repository.get_community(community_id)
    return Issued(user, community, session, _access_for(user, session), new_token)


def _revoke_family(session: Session, meta: RequestMeta, reason: str) -> None:
    if repository.revoke_session(session, reason):
        logger.warning("session family revoked", extra={"community_id": session.community_id,
                                                        "session_id": session.id, "reason": reason})
        _audit("auth.session.revoked", session.community_id, meta, target=session.id, reason=reason)


def logout(caller: Caller, meta: RequestMeta) -> None:
    session = repository.get_session(caller.community_id, caller.user_id, caller.session_id)
    if session is not None and repository.revoke_session(session, "logout"):
        _audit("auth.logout", caller.community_id, meta, actor=caller.user_id, target=session.id)


def revoke_own_session(caller: Caller, session_id: str, meta: RequestMeta) -> None:
    session = repository.get_session(caller.community_id, caller.user_id, session_id)
    if session is None or session.status != "active":
        raise NotFound("No such session.")
    if repository.revoke_session(session, "revoked by user"):
        _audit("auth.session.revoked", caller.community_id, meta, actor=caller.user_id, target=session_id,
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
    community = None if caller.is_platform else repository.get_community(caller.community_id)
    permissions = sorted(str(p) for p in GRANTS if allows(user.role, p))
    return MeResponse(user=user_out(user), community=community_out(community), permissions=permissions)


def community_detail(caller: Caller) -> CommunityDetail:
    community = None if caller.is_platform else repository.get_community(caller.community_id)
    if community is None:
        raise NotFound()
    return CommunityDetail(
        id=community.id, slug=community.slug, name=community.name, timezone=community.timezone,
        mfa_required_roles=community.mfa_required_roles, created_at=community.created_at,
        updated_at=community.updated_at, default_region=community.default_region,
        delinquency_threshold=community.delinquency_threshold,
    )


def create_super_admin(email: str, password: str, full_name: str = "Platform Admin") -> User:
    """The platform's super admin (no community); idempotent by email."""
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
    return user
