"""The community's API shapes, as the contract writes them (requests forbid unknown fields)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shared.community.models import Branding, Sender
from shared.community.settings import HeatingSeason, SlaHours
from shared.platform.text import HeaderText
from shared.spec.permissions import Role

# An on-call number (work-order emergencies are texted to it): E.164, `+` then 8 to 15 digits.
OnCallPhone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+[1-9]\d{7,14}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CommunityOut(BaseModel):
    id: str
    slug: str
    name: str


class CommunityDetail(CommunityOut):
    timezone: str
    mfa_required_roles: list[Role]
    sender: Sender
    branding: Branding
    created_at: str
    updated_at: str
    default_region: str = "US"
    delinquency_threshold: str = "0.00"
    work_order_sla_hours: SlaHours = SlaHours()  # hours per priority until a work order is due
    heating_season: HeatingSeason = HeatingSeason()  # when no heat is a work-order emergency
    on_call_phones: list[str] = []  # E.164 numbers an emergency work order texts at once


class SenderPatch(Sender):
    """`sender` as a PATCH gives it: the display name goes into the From header, so it is one clean line.
    (Checked here, at the door, not on `Sender` itself: a stored value must always read back.)"""

    from_name: HeaderText | None = Field(default=None, min_length=1, max_length=80)


class CommunityPatch(Strict):
    name: HeaderText | None = Field(default=None, min_length=2, max_length=120)
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    mfa_required_roles: list[Role] | None = Field(default=None, max_length=5)
    sender: SenderPatch | None = None
    branding: Branding | None = None
    default_region: str | None = Field(default=None, min_length=2, max_length=2)  # phones without +country
    delinquency_threshold: str | None = Field(default=None, max_length=20)  # balance above it: delinquent
    # Work orders (issue 13): each object is replaced whole; what it omits takes the defaults.
    work_order_sla_hours: SlaHours | None = None
    heating_season: HeatingSeason | None = None
    on_call_phones: list[OnCallPhone] | None = Field(default=None, max_length=5)  # replaced whole

    @field_validator("on_call_phones")
    @classmethod
    def _distinct_phones(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("each on-call number once")
        return value

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from shared.platform.normalise import is_region  # phone metadata: only this route pays for it

        if not is_region(value.upper()):
            raise ValueError("not a region code the phone library knows, e.g. US, CA, GB")
        return value.upper()

    @field_validator("delinquency_threshold")
    @classmethod
    def _threshold(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from shared.platform.normalise import balance

        return str(balance(value))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("not an IANA time zone, e.g. America/Toronto") from error
        return value

    @field_validator("mfa_required_roles")
    @classmethod
    def _community_roles(cls, value: list[Role] | None) -> list[Role] | None:
        if value is not None and Role.SUPER_ADMIN in value:
            raise ValueError("super_admin always requires MFA and is not a community role")
        return sorted(set(value), key=list(Role).index) if value is not None else None


class CommunityList(BaseModel):
    items: list[CommunityDetail]
    next_cursor: str | None = None


