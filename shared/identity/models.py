"""Identity's domain models: what the repository returns and the service works with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.community.models import Community
from shared.spec.permissions import Role


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    email: str
    full_name: str
    role: Role
    status: str
    password_hash: str
    email_verified: bool
    mfa_enabled: bool
    created_at: str
    updated_at: str
    failed_logins: int = 0
    locked_until: int = 0
    totp_secret: str | None = None  # sealed (KMS ciphertext)
    totp_pending: str | None = None  # sealed, awaiting confirmation
    totp_last_step: int = 0
    backup_codes: frozenset[str] = frozenset()  # digests
    resident_id: str | None = None  # a portal user's resident record (issue 12); None for staff

    def requires_mfa(self, community: Community | None) -> bool:
        """Super admins always; community users when the community's policy names their role."""
        if self.role == Role.SUPER_ADMIN:
            return True
        return community is not None and self.role in community.mfa_required_roles


class Session(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    user_id: str
    community_id: str
    status: str
    device: str
    ip: str
    created_at: str
    last_used_at: str
    expires_at: int


class RefreshRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    community_id: str
    token_hash: str
    session_id: str
    user_id: str
    used: bool
    expires_at: int


class MfaChallenge(BaseModel):
    model_config = ConfigDict(frozen=True)

    community_id: str
    token_hash: str
    user_id: str
    device: str
    attempts: int
    used: bool
    expires_at: int


class Invitation(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    email: str
    role: Role
    full_name: str | None
    status: str
    token_hash: str
    invited_by: str
    expires_at: int
    created_at: str
    updated_at: str
