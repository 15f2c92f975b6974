"""The outbox's API shapes (the contract's Message, with the recipient masked)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.messaging.models import Channel, Message, MessageStatus
from shared.platform.masking import mask_address

VariableValue = str | int | float | bool | None


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    template_id: str = Field(min_length=1, max_length=64)
    resident_id: str | None = Field(default=None, min_length=1, max_length=64)
    to: str | None = Field(default=None, min_length=3, max_length=254)
    variables: dict[str, VariableValue] = Field(default_factory=dict, max_length=100)

    @model_validator(mode="after")
    def _one_recipient(self) -> MessageCreate:
        if (self.resident_id is None) == (self.to is None):
            raise ValueError("give exactly one of resident_id or to")
        return self


class Queued(BaseModel):
    id: str
    status: MessageStatus


class EventOut(BaseModel):
    type: str
    at: str
    detail: dict[str, Any]


class MessageOut(BaseModel):
    id: str
    channel: Channel
    to: str
    template_id: str | None
    template_version: int | None
    campaign_id: str | None
    resident_id: str | None
    status: MessageStatus
    attempts: int
    last_error: str | None
    provider_message_id: str | None
    opened_at: str | None
    clicked_at: str | None
    created_at: str
    updated_at: str
    events: list[EventOut]

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            id=message.id, channel=message.channel, to=mask_address(message.to), template_id=message.template_id,
            template_version=message.template_version, campaign_id=message.campaign_id,
            resident_id=message.resident_id, status=message.status, attempts=message.attempts,
            last_error=message.last_error, provider_message_id=message.provider_message_id,
            opened_at=message.opened_at, clicked_at=message.clicked_at, created_at=message.created_at,
            updated_at=message.updated_at,
            events=[EventOut(type=e.type, at=e.at, detail=e.detail) for e in message.events],
        )


class MessageList(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None


class RetryFailed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: str | None = Field(default=None, min_length=1, max_length=64)


class Requeued(BaseModel):
    requeued: int
