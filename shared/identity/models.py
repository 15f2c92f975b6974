"""Identity's domain models: what the repository returns and the service works with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.spec.permissions import Role


class Community(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    slug: str
    name: str
    timezone: str = "UTC"
    mfa_required_roles: list[Role]
    created_at: str
    updated_at: str
    # Residents directory settings: the region a phone number without a country code is read in
    # (ISO 3166 alpha-2), and the balance above which a resident is delinquent (a decimal string).
    default_region: str = "US"
    delinquency_threshold: str = "0.00"


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
