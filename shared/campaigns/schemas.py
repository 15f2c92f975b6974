"""The campaigns API's shapes (the contract's Campaign, report and communications report)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.campaigns.models import Audience, Campaign, CampaignStatus
from shared.messaging.schemas import VariableValue
from shared.platform.channels import Channel
from shared.platform.patching import PatchBody


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CampaignCreate(_Request):
    name: str = Field(min_length=1, max_length=200)
    channel: Channel | None = None  # absent: the template's channel; given, it must be the template's
    template_id: str = Field(min_length=1, max_length=64)
    audience: Audience
    variables: dict[str, VariableValue] = Field(default_factory=dict, max_length=100)


class CampaignUpdate(_Request, PatchBody):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    template_id: str | None = Field(default=None, min_length=1, max_length=64)
    audience: Audience | None = None
    variables: dict[str, VariableValue] | None = Field(default=None, max_length=100)
    send_at: AwareDatetime | None = None  # a scheduled campaign's new time


class SendRequest(_Request):
    send_at: AwareDatetime | None = Field(
        default=None,
        description="Absent (or no body at all): send now. Otherwise 1 minute to 1 year ahead; a sooner or "
                    "past time is 422 on send_at, never sent at once.",
    )


class Report(BaseModel):
    """Each recipient counted once in its current status, and once per flag it earned."""

    recipients: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    bounced: int = 0
    complained: int = 0
    suppressed: int = 0
    opened: int = 0
    clicked: int = 0
    unsubscribed: int = 0

    @classmethod
    def of(cls, counts: dict[str, int]) -> Report:
        return cls.model_validate({k: max(0, v) for k, v in counts.items()})


class CampaignOut(BaseModel):
    id: str
    name: str
    channel: Channel
    template_id: str
    audience: dict[str, Any]
    variables: dict[str, Any]
    status: CampaignStatus
    send_at: str | None
    started_at: str | None
    finished_at: str | None
    failure_reason: str | None
    stats: Report
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignOut:
        return cls(
            id=campaign.id, name=campaign.name, channel=campaign.channel, template_id=campaign.template_id,
            audience=campaign.audience.model_dump(exclude_none=True, mode="json"), variables=campaign.variables,
            status=campaign.status, send_at=campaign.send_at, started_at=campaign.started_at,
            finished_at=campaign.finished_at, failure_reason=campaign.failure_reason,
            stats=Report.of(campaign.counts), created_at=campaign.created_at, updated_at=campaign.updated_at,
        )


class CampaignList(BaseModel):
    items: list[CampaignOut]
    next_cursor: str | None


class Excluded(BaseModel):
    no_address: int
    suppressed: int
    opted_out: int


class AudiencePreview(BaseModel):
    count: int
    excluded: Excluded


class ChannelTotals(BaseModel):
    channel: Channel
    totals: Report


class CampaignSummary(BaseModel):
    id: str
    name: str
    channel: Channel
    status: CampaignStatus
    started_at: str | None
    report: Report


class CommunicationsReport(BaseModel):
    """Messages created in [from, to] (UTC days): totals, by channel, and each campaign started then."""

    from_: str = Field(alias="from")
    to: str
    totals: Report
    by_channel: list[ChannelTotals]
    campaigns: list[CampaignSummary]

    model_config = ConfigDict(populate_by_name=True)
