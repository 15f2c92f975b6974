"""A campaign: one template to an audience, now or at `send_at`, and what became of it.

Lifecycle: draft → scheduled → sending → sent | failed, and draft/scheduled → cancelled. Edits
and deletes only while draft or scheduled. While scheduled or sending, the campaign holds its
template (`in_use`), so the version every recipient gets is the version the campaign started with.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.platform.channels import Channel
from shared.residents.models import ResidentFilter


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


EDITABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED})
MAX_EXPLICIT_RECIPIENTS = 10_000


class Audience(BaseModel):
    """Exactly one of: a segment (its filter as it is at send time), explicit residents, a filter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    segment_id: str | None = Field(default=None, min_length=1, max_length=64)
    resident_ids: list[str] | None = Field(default=None, min_length=1, max_length=MAX_EXPLICIT_RECIPIENTS)
    filter: ResidentFilter | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Audience:
        given = [name for name in ("segment_id", "resident_ids", "filter") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of segment_id, resident_ids or filter")
        return self


class Campaign(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    name: str
    channel: Channel
    template_id: str
    audience: Audience
    variables: dict[str, Any] = Field(default_factory=dict)  # extra template variables, the same for all
    status: CampaignStatus
    send_at: str | None = None
    schedule_token: str | None = None  # the current schedule's; an older firing carries another
    template_version: int | None = None  # fixed when the fan-out takes its snapshot
    started_at: str | None = None
    finished_at: str | None = None
    failure_reason: str | None = None
    snapshot_done: bool = False  # every recipient's message is written
    fanout_cursor: dict[str, Any] | None = None  # where enqueueing resumes (last key enqueued)
    fanout_done: bool = False  # every recipient's message is on the outbox queue
    no_address: int = 0  # audience members left out at the snapshot for want of an address
    counts: dict[str, int] = Field(default_factory=dict)
    created_by: str
    created_at: str
    updated_at: str
    version: int = 1  # optimistic lock for edits
