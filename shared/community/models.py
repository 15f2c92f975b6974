"""The community: a tenant of the platform, with the settings every domain reads (time zone, sender,
branding, MFA policy, directory and work-order settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shared.community.settings import HeatingSeason, SlaHours
from shared.spec.permissions import Role


class Sender(BaseModel):
    """How a community's mail is signed: display name and where replies go."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_name: str | None = Field(default=None, min_length=1, max_length=80)
    reply_to: EmailStr | None = None


class Branding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    logo_asset_id: str | None = Field(default=None, min_length=1, max_length=64)
    primary_color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class Community(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    slug: str
    name: str
    timezone: str = "UTC"
    mfa_required_roles: list[Role]
    sender: Sender = Sender()
    branding: Branding = Branding()
    created_at: str
    updated_at: str
    # Residents directory settings: the region a phone number without a country code is read in
    # (ISO 3166 alpha-2), and the balance above which a resident is delinquent (a decimal string).
    default_region: str = "US"
    delinquency_threshold: str = "0.00"
    # Work-order settings (issue 13): SLA hours per priority, and the heating season triage judges by.
    work_order_sla_hours: SlaHours = SlaHours()
    heating_season: HeatingSeason = HeatingSeason()
    on_call_phones: list[str] = []  # E.164; an emergency work order texts each at once
