"""Who is calling: built only from the authorizer's verified context, never from the request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from shared.platform import clock
from shared.platform.errors import (
    AuthRequired,
    EmailUnverified,
    Forbidden,
    MfaEnrollmentRequired,
    TokenInvalid,
)
from shared.platform.keys import PLATFORM
from shared.spec.permissions import UNSCOPED_ONLY, VERIFIED_EMAIL_REQUIRED, Permission, Role, allows

SCOPE_FULL = "full"
SCOPE_MFA_ENROLLMENT = "mfa_enrollment"  # role requires MFA, user not enrolled yet


@dataclass(frozen=True)
class RequestMeta:
    """Where a request came from, for sessions and the audit trail."""

    ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class Caller:
    user_id: str
    community_id: str  # PLATFORM for a super admin
    role: Role
    session_id: str
    scope: str = SCOPE_FULL
    # A manager or property owner with property assignments (PUT /v1/users/{id}/properties), as the
    # authorizer read them: scoped managers are refused `UNSCOPED_ONLY` permissions. Which properties
    # they reach is read per request by shared.properties.scope, never taken from here.
    scoped: bool = False
    # Whether the user's email address is verified, as the authorizer read it (issue 12): the
    # permissions in VERIFIED_EMAIL_REQUIRED need it. False unless the authorizer said so.
    email_verified: bool = False

    @property
    def is_platform(self) -> bool:
        return self.community_id == PLATFORM

    def to_context(self, expires_at: int) -> dict[str, Any]:
        """The authorizer's context: identifiers only, no secrets (it may be logged)."""
        return {
            "user_id": self.user_id,
            "community_id": self.community_id,
            "role": str(self.role),
            "session_id": self.session_id,
            "scope": self.scope,
            "scoped": self.scoped,
            "email_verified": self.email_verified,
            "exp": expires_at,
        }


def from_authorizer(authorizer: dict[str, Any] | None) -> Caller:
    """The caller from `requestContext.authorizer.lambda`, re-checking expiry (results are cached)."""
    if not authorizer:
        raise AuthRequired()
    if authorizer.get("auth_error") == AuthRequired.code:
        raise AuthRequired()
    if authorizer.get("auth_error"):
        raise TokenInvalid()
    try:
        expires_at = int(authorizer["exp"])
        caller = Caller(
            user_id=str(authorizer["user_id"]),
            community_id=str(authorizer["community_id"]),
            role=Role(str(authorizer["role"])),
            session_id=str(authorizer["session_id"]),
            scope=str(authorizer.get("scope", SCOPE_FULL)),
            scoped=authorizer.get("scoped") in (True, "true", "True"),
            email_verified=authorizer.get("email_verified") in (True, "true", "True"),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise TokenInvalid() from exc
    if expires_at <= clock.epoch():
        raise TokenInvalid()
    return caller


def authorize(caller: Caller, permission: Permission, *, allow_pending_mfa: bool = False) -> None:
    if caller.scope == SCOPE_MFA_ENROLLMENT and not allow_pending_mfa:
        raise MfaEnrollmentRequired()
    if not allows(caller.role, permission):
        raise Forbidden()
    if caller.scoped and permission in UNSCOPED_ONLY:
        raise Forbidden("A property manager (with property assignments) cannot do this.")
    if permission in VERIFIED_EMAIL_REQUIRED and not caller.email_verified:
        raise EmailUnverified()


_current: ContextVar[Caller | None] = ContextVar("caller", default=None)


def set_caller(caller: Caller | None) -> None:
    _current.set(caller)


def current_caller() -> Caller:
    """The authenticated caller of this invocation (only inside a non-public route)."""
    caller = _current.get()
    if caller is None:
        raise AuthRequired()
    return caller
