"""Identity's API shapes, as the contract writes them (requests forbid unknown fields)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from shared.identity import passwords
from shared.spec.permissions import Role


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignupRequest(Strict):
    community_name: str = Field(min_length=2, max_length=120)
    email: EmailStr
    password: str = Field(min_length=passwords.MIN_LENGTH, max_length=passwords.MAX_LENGTH)
    full_name: str = Field(min_length=1, max_length=120)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class LoginRequest(Strict):
    community: str | None = Field(default=None, min_length=1, max_length=64)
    email: EmailStr
    password: str = Field(min_length=1, max_length=passwords.MAX_LENGTH)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class RefreshRequest(Strict):
    refresh_token: str = Field(min_length=1, max_length=256)


class CommunityOut(BaseModel):
    id: str
    slug: str
    name: str


class CommunityDetail(CommunityOut):
    timezone: str
    mfa_required_roles: list[Role]
    created_at: str
    updated_at: str
    default_region: str = "US"
    delinquency_threshold: str = "0.00"


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    role: Role
    status: str
    email_verified: bool
    mfa_enabled: bool
    created_at: str


class TokenBody(BaseModel):
    community: CommunityOut | None
    user: UserOut
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class MeResponse(BaseModel):
    user: UserOut
    community: CommunityOut | None
    permissions: list[str]


class SessionOut(BaseModel):
    id: str
    device: str
    ip: str
    created_at: str
    last_used_at: str
    current: bool


class SessionList(BaseModel):
    items: list[SessionOut]
    next_cursor: str | None = None


class HealthResponse(BaseModel):
    status: Literal["ok"]
    version: str
