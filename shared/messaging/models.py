"""The outbox's domain: a message, its status machine, and the events that move it.

Status ranks make provider notifications order-independent: an event only moves a message
forward (a late `Send` never undoes `delivered`), and terminal outcomes stay terminal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.platform.channels import Category, Channel


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    SUPPRESSED = "suppressed"


RANK: dict[MessageStatus, int] = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.FAILED: 4,
    MessageStatus.SUPPRESSED: 4,
    MessageStatus.BOUNCED: 5,
    MessageStatus.COMPLAINED: 6,
}
TERMINAL = frozenset({MessageStatus.FAILED, MessageStatus.SUPPRESSED, MessageStatus.BOUNCED,
                      MessageStatus.COMPLAINED})


class ProviderEventKind(StrEnum):
    """What SES (via the configuration set), SNS, or our own tracking can report about a message."""

    SEND = "Send"
    DELIVERY = "Delivery"
    BOUNCE_PERMANENT = "BouncePermanent"
    BOUNCE_TRANSIENT = "BounceTransient"
    COMPLAINT = "Complaint"
    REJECT = "Reject"
    RENDERING_FAILURE = "RenderingFailure"
    DELIVERY_DELAY = "DeliveryDelay"
    OPEN = "Open"
    CLICK = "Click"
    UNSUBSCRIBE = "Unsubscribe"


# Where each kind moves the message (None: recorded as an event, status unchanged).
KIND_STATUS: dict[ProviderEventKind, MessageStatus | None] = {
    ProviderEventKind.SEND: MessageStatus.SENT,
    ProviderEventKind.DELIVERY: MessageStatus.DELIVERED,
    ProviderEventKind.BOUNCE_PERMANENT: MessageStatus.BOUNCED,
    ProviderEventKind.BOUNCE_TRANSIENT: None,
    ProviderEventKind.COMPLAINT: MessageStatus.COMPLAINED,
    ProviderEventKind.REJECT: MessageStatus.FAILED,
    ProviderEventKind.RENDERING_FAILURE: MessageStatus.FAILED,
    ProviderEventKind.DELIVERY_DELAY: None,
    ProviderEventKind.OPEN: None,
    ProviderEventKind.CLICK: None,
    ProviderEventKind.UNSUBSCRIBE: None,
}


class MessageEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str
    at: str
    detail: dict[str, Any] = Field(default_factory=dict)


class Message(BaseModel):
    """A message as stored. `to` is the full address: only API output masks it."""

    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    channel: Channel
    category: Category
    to: str
    status: MessageStatus
    attempts: int = 0
    template_id: str | None = None
    template_version: int | None = None
    campaign_id: str | None = None
    resident_id: str | None = None
    related: str | None = None  # what the message is about, `type:id` (e.g. `work_order:01J...`)
    subject: str | None = None
    html: str | None = None
    text: str = ""
    variables: dict[str, Any] | None = None  # rendered at delivery from these (campaign recipients)
    last_error: str | None = None
    provider_message_id: str | None = None
    opened_at: str | None = None
    clicked_at: str | None = None
    unsubscribed_at: str | None = None
    created_at: str
    updated_at: str
    events: list[MessageEvent] = Field(default_factory=list)


class ProviderEvent(BaseModel):
    """A provider notification resolved to our message (parsed by the provider-events worker)."""

    model_config = ConfigDict(frozen=True)

    community_id: str
    message_id: str
    kind: ProviderEventKind
    at: str
    provider_message_id: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
