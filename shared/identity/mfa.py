"""Enrolling in TOTP, backup codes and turning MFA off: the signed-in user's own second factor."""

from __future__ import annotations

from shared.community import repository as communities
from shared.community.models import Community
from shared.identity import mfa_repository, repository, totp, vault
from shared.identity.models import User
from shared.identity.schemas import BackupCodes, TotpSetup
from shared.identity.service import audit, check_totp
from shared.platform import clock, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, MfaInvalidCode, MfaRequiredByPolicy, NotFound


def _load(caller: Caller) -> tuple[User, Community | None]:
    user = repository.get_user(caller.community_id, caller.user_id)
    if user is None:
        raise NotFound()
    community = None if caller.is_platform else communities.get_community(caller.community_id)
    return user, community


def _new_codes(user: User) -> tuple[list[str], set[str]]:
    codes = totp.new_backup_codes()
    return codes, {totp.backup_code_hash(c) for c in codes}


def setup(caller: Caller, meta: RequestMeta) -> TotpSetup:
    """A fresh secret, pending until confirmed with a code from it (a new setup replaces a pending one)."""
    user, community = _load(caller)
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already on; turn it off first to enroll a new device.")
    secret = totp.new_secret()
    mfa_repository.set_pending(user, vault.seal(secret, community_id=user.community_id, user_id=user.id))
    label = f"{community.slug if community else keys.PLATFORM}:{user.email}"
    enrollment = totp.enrollment(secret, account=label)
    audit("auth.mfa.setup_started", user.community_id, meta, actor=user.id, target=user.id)
    return TotpSetup(secret=enrollment.secret, otpauth_uri=enrollment.otpauth_uri, qr_svg=enrollment.qr_svg)


def confirm(caller: Caller, code: str, meta: RequestMeta) -> BackupCodes:
    """Activate the pending secret with a valid code; the ten backup codes are shown this once."""
    user, _ = _load(caller)
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already on.")
    if not user.totp_pending:
        raise Conflict("Start with POST /v1/auth/mfa/totp/setup.")
    secret = vault.open_sealed(user.totp_pending, community_id=user.community_id, user_id=user.id)
    step = totp.matching_step(secret, code, now=clock.epoch())
    if step is None:
        raise MfaInvalidCode()
    codes, digests = _new_codes(user)
    if not mfa_repository.activate(user, sealed=user.totp_pending, step=step, backup_hashes=digests):
        raise Conflict("The setup changed meanwhile; start again.")
    audit("auth.mfa.enabled", user.community_id, meta, actor=user.id, target=user.id,
          before={"mfa_enabled": False}, after={"mfa_enabled": True})
    return BackupCodes(backup_codes=codes)


def regenerate_backup_codes(caller: Caller, code: str, meta: RequestMeta) -> BackupCodes:
    """New codes (the old ones stop working), after a fresh TOTP code."""
    user, _ = _load(caller)
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is off.")
    if not check_totp(user, code):
        raise MfaInvalidCode()
    codes, digests = _new_codes(user)
    mfa_repository.replace_backup_codes(user, digests)
    audit("auth.mfa.backup_codes_regenerated", user.community_id, meta, actor=user.id, target=user.id)
    return BackupCodes(backup_codes=codes)


def disable(caller: Caller, code: str, meta: RequestMeta) -> None:
    """Turn MFA off with a valid code; refused (403) where the user's role requires it."""
    user, community = _load(caller)
    if user.requires_mfa(community):
        raise MfaRequiredByPolicy()
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is already off.")
    if not check_totp(user, code):
        raise MfaInvalidCode()
    mfa_repository.disable(user)
    audit("auth.mfa.disabled", user.community_id, meta, actor=user.id, target=user.id,
          before={"mfa_enabled": True}, after={"mfa_enabled": False})
