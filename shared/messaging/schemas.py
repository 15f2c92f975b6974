"""The outbox's API shapes (the contract's Message, with the recipient masked)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.messaging.models import Message, MessageStatus
from shared.platform.channels import Channel
from shared.platform.masking import mask_address

VariableValue = str | int | float | bool | None
RelatedType = Literal["work_order", "notice", "application", "tenancy"]
RELATED_QUERY = re.compile(r"^(work_order|notice|application|tenancy):([A-Za-z0-9_-]{1,64})$")


class Related(BaseModel):
    """What a message is about (issue 12): `GET /v1/messages?related=type:id` lists them all."""

    model_config = ConfigDict(extra="forbid")

    type: RelatedType
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"

    @classmethod
    def parse(cls, value: str | None) -> Related | None:
        """`type:id` as the query string writes it; None when absent. ValueError when malformed."""
        if value is None:
            return None
        match = RELATED_QUERY.fullmatch(value)
        if match is None:
            raise ValueError("related must be work_order:{id}, notice:{id}, application:{id} or tenancy:{id}")
        return cls.model_validate({"type": match.group(1), "id": match.group(2)})


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    template_id: str = Field(min_length=1, max_length=64)
    resident_id: str | None = Field(default=None, min_length=1, max_length=64)
    to: str | None = Field(default=None, min_length=3, max_length=254)
    variables: dict[str, VariableValue] = Field(default_factory=dict, max_length=100)
    related: Related | None = None

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
    related: Related | None = None
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
            resident_id=message.resident_id, related=Related.parse(message.related), status=message.status,
            attempts=message.attempts,
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
