"""Identity's API shapes, as the contract writes them (requests forbid unknown fields)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from shared.community.schemas import CommunityOut
from shared.identity import passwords
from shared.platform.text import HeaderText
from shared.spec.permissions import Role


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignupRequest(Strict):
    community_name: HeaderText = Field(min_length=2, max_length=120)  # the From name of its mail
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


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    role: Role
    status: str
    email_verified: bool
    mfa_enabled: bool
    mfa_required: bool  # by the community's policy for this role (always for a super admin)
    created_at: str


class MfaChallengeBody(BaseModel):
    """The first step's answer for a user with MFA: prove the second factor with `mfa_token`."""

    mfa_required: Literal[True] = True
    mfa_token: str
    methods: list[Literal["totp", "backup_code"]] = ["totp", "backup_code"]


class MfaVerifyRequest(Strict):
    mfa_token: str = Field(min_length=1, max_length=256)
    code: str | None = Field(default=None, min_length=1, max_length=16)
    backup_code: str | None = Field(default=None, min_length=1, max_length=32)

    @model_validator(mode="after")
    def _one_of(self) -> MfaVerifyRequest:
        if (self.code is None) == (self.backup_code is None):
            raise ValueError("give exactly one of code or backup_code")
        return self


class TotpSetup(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg: str


class CodeRequest(Strict):
    code: str = Field(min_length=1, max_length=16)


class BackupCodes(BaseModel):
    backup_codes: list[str]


class TokenRequest(Strict):
    token: str = Field(min_length=1, max_length=256)


class Verified(BaseModel):
    email_verified: Literal[True] = True


class InvitationCreate(Strict):
    email: EmailStr
    role: Role
    full_name: str | None = Field(default=None, min_length=1, max_length=120)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @field_validator("role")
    @classmethod
    def _community_role(cls, value: Role) -> Role:
        if value == Role.SUPER_ADMIN:
            raise ValueError("not a community role")
        return value


class InvitationOut(BaseModel):
    id: str
    email: str
    role: Role
    full_name: str | None
    status: str
    expires_at: str
    created_at: str


class InvitationList(BaseModel):
    items: list[InvitationOut]
    next_cursor: str | None = None


class InvitationAccept(Strict):
    token: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=passwords.MIN_LENGTH, max_length=passwords.MAX_LENGTH)
    full_name: str = Field(min_length=1, max_length=120)


class UserPatch(Strict):
    role: Role | None = None
    status: Literal["active", "suspended"] | None = None

    @field_validator("role")
    @classmethod
    def _community_role(cls, value: Role | None) -> Role | None:
        if value == Role.SUPER_ADMIN:
            raise ValueError("not a community role")
        return value


class UserList(BaseModel):
    items: list[UserOut]
    next_cursor: str | None = None


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
