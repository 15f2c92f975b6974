"""The API shapes of the residents' portal and of account recovery (requests forbid unknown fields)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from shared.identity import passwords
from shared.identity.schemas import MeResponse


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


class MagicLinkRequest(Strict):
    community: str = Field(min_length=1, max_length=64)  # the community's slug
    email: EmailStr

    _email = field_validator("email")(_lower)
    _community = field_validator("community")(_lower)


class MagicLinkVerify(Strict):
    """Either the mailed link's `token`, or the community, the address and the mailed 6-digit code."""

    token: str | None = Field(default=None, min_length=1, max_length=256)
    community: str | None = Field(default=None, min_length=1, max_length=64)
    email: EmailStr | None = None
    code: str | None = Field(default=None, pattern=r"^\d{6}$")

    _email = field_validator("email")(_lower)
    _community = field_validator("community")(_lower)

    @model_validator(mode="after")
    def _one_way(self) -> MagicLinkVerify:
        by_code = (self.community, self.email, self.code)
        if self.token is not None and not any(by_code):
            return self
        if self.token is None and all(by_code):
            return self
        raise ValueError("give either token, or community, email and code")


class PasswordForgot(Strict):
    community: str | None = Field(default=None, min_length=1, max_length=64)  # omitted by a super admin
    email: EmailStr

    _email = field_validator("email")(_lower)
    _community = field_validator("community")(_lower)


class PasswordReset(Strict):
    token: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=passwords.MIN_LENGTH, max_length=passwords.MAX_LENGTH)


class Accepted(BaseModel):
    """202: the request was taken; whether a mail goes out is not said (no enumeration)."""

    status: Literal["accepted"] = "accepted"


class PasswordChanged(BaseModel):
    password_reset: Literal[True] = True


class ResidentRef(BaseModel):
    id: str
    first_name: str
    last_name: str
    unit: str | None


class TenancyRef(BaseModel):
    id: str
    property_id: str
    unit_id: str
    lead: bool


class PortalMe(MeResponse):
    """`GET /v1/me`; a resident user's answer adds their resident record and tenancies."""

    resident: ResidentRef | None = None
    tenancies: list[TenancyRef] | None = None
