"""Outbox chunks: one SQS message carries up to `CHUNK_SIZE` recipients of one campaign.

Campaign fan-out puts its recipients on the outbox's bulk lane this way, so 20,000 recipients are about
100 SQS messages, not 20,000. A chunk carries what its recipients need (`carried`: message id, address,
resident, variables, and once the template, channel and category they share), so delivery reads no
message item back: the claim writes each item for the first time (issue 16, a lighter footprint).

Body: `{"kind": "chunk", "community_id", "campaign_id", "common": {...}, "recipients": [{id, to,
resident_id, variables}]}`. The earlier form naming only ids (`"message_ids"`: delivery reads the
items back) stays valid, for chunks queued before the change and for tests; single-message bodies
(`{"community_id", "message_id"}`, see `outbox.body`) too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from shared.messaging import outbox
from shared.messaging.models import Message, MessageStatus
from shared.platform.channels import Category, Channel

CHUNK_SIZE = 196  # recipients per SQS message: two transactions of 98 claim them, two settle them (+ 2 counters)
# A campaign's first recipients go in half-size chunks: a small campaign (up to `RAMP_RECIPIENTS`) is all
# small chunks, so two communities' small campaigns interleave finely on the fair queue and its first mails
# go out sooner; past the ramp, full chunks halve the per-chunk fixed calls (receive, delete, completion).
FIRST_CHUNK_SIZE = 98
RAMP_RECIPIENTS = 20 * FIRST_CHUNK_SIZE


def size_after(enqueued: int) -> int:
    """The chunk size for a campaign's recipients once `enqueued` of them are on the queue."""
    return FIRST_CHUNK_SIZE if enqueued < RAMP_RECIPIENTS else CHUNK_SIZE
MAX_BODY_BYTES = 200_000  # under SQS's 256 KB: a chunk of large variables is cut shorter
KIND = "chunk"


class Recipient(BaseModel):
    id: str = Field(min_length=1)
    to: str = Field(min_length=1)
    resident_id: str | None = None
    variables: dict[str, Any] | None = None


class Common(BaseModel):
    """What every recipient of a chunk shares."""

    channel: Channel
    category: Category
    template_id: str | None = None
    template_version: int | None = None
    created_at: str


class ChunkBody(BaseModel):
    """The body of a chunk record (part of the outbox worker's typed record model)."""

    kind: Literal["chunk"]
    community_id: str = Field(min_length=1)
    campaign_id: str | None = None
    message_ids: list[str] = Field(default_factory=list, max_length=CHUNK_SIZE)
    common: Common | None = None
    recipients: list[Recipient] = Field(default_factory=list, max_length=CHUNK_SIZE)

    @model_validator(mode="after")
    def _one_form(self) -> ChunkBody:
        carried = bool(self.recipients) and self.common is not None
        if carried == bool(self.message_ids):
            raise ValueError("a chunk names 1 to CHUNK_SIZE message ids, or carries 1 to CHUNK_SIZE recipients")
        return self

    def chunk(self) -> Chunk:
        campaign_id = self.campaign_id or None
        if not self.recipients or self.common is None:
            return Chunk(self.community_id, campaign_id, tuple(self.message_ids))
        c = self.common
        carried = tuple(Message(
            id=r.id, community_id=self.community_id, channel=c.channel, category=c.category, to=r.to,
            status=MessageStatus.QUEUED, template_id=c.template_id, template_version=c.template_version,
            campaign_id=campaign_id, resident_id=r.resident_id, variables=r.variables, created_at=c.created_at,
            updated_at=c.created_at) for r in self.recipients)
        return Chunk(self.community_id, campaign_id, tuple(m.id for m in carried), carried)


@dataclass(frozen=True)
class Chunk:
    community_id: str
    campaign_id: str | None
    message_ids: tuple[str, ...]
    carried: tuple[Message, ...] = ()  # the recipients' queued messages, when the chunk carries them

    def body(self) -> str:
        data: dict[str, Any] = {"kind": KIND, "community_id": self.community_id, "campaign_id": self.campaign_id}
        if not self.carried:
            return json.dumps(data | {"message_ids": list(self.message_ids)})
        first = self.carried[0]
        data["common"] = {"channel": str(first.channel), "category": str(first.category),
                          "template_id": first.template_id, "template_version": first.template_version,
                          "created_at": first.created_at}
        data["recipients"] = [_recipient(m) for m in self.carried]
        return json.dumps(data, default=str, separators=(",", ":"))


def _recipient(message: Message) -> dict[str, Any]:
    found: dict[str, Any] = {"id": message.id, "to": message.to}
    if message.resident_id is not None:
        found["resident_id"] = message.resident_id
    if message.variables is not None:
        found["variables"] = message.variables
    return found


def parse(body: str) -> Chunk | None:
    """The chunk in an outbox record body, or None when the body is a single-message pointer;
    ValueError when it is a malformed chunk."""
    data: Any = json.loads(body)
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return None
    return ChunkBody.model_validate(data).chunk()


def split(community_id: str, campaign_id: str | None, message_ids: Sequence[str]) -> list[Chunk]:
    """Chunks naming only ids (delivery reads the items back)."""
    return [Chunk(community_id, campaign_id, tuple(message_ids[i:i + CHUNK_SIZE]))
            for i in range(0, len(message_ids), CHUNK_SIZE)]


def pack(messages: Sequence[Message], size: int = CHUNK_SIZE) -> list[Chunk]:
    """Chunks carrying `messages` (one community and campaign, one template): at most `size` (≤ `CHUNK_SIZE`)
    each, and at most `MAX_BODY_BYTES` of body (each recipient's part measured as it will be written)."""
    size = min(size, CHUNK_SIZE)
    found: list[Chunk] = []
    batch: list[Message] = []
    used = 0
    for message in messages:
        part = len(json.dumps(_recipient(message), default=str, separators=(",", ":")).encode()) + 1
        if batch and (len(batch) == size or used + part > MAX_BODY_BYTES - 1_000):
            found.append(_carrying(batch))
            batch, used = [], 0
        batch.append(message)
        used += part
    if batch:
        found.append(_carrying(batch))
    return found


def _carrying(batch: list[Message]) -> Chunk:
    first = batch[0]
    return Chunk(first.community_id, first.campaign_id, tuple(m.id for m in batch), tuple(batch))


def enqueue(chunks: Sequence[Chunk], *, delay_s: int = 0) -> None:
    """Put chunks on their lane (`outbox.lane`), 10 per SendMessageBatch; `EnqueueFailed` names the ids not queued."""
    outbox.put([outbox.Pointer(c.community_id, c.campaign_id, c.body(), c.message_ids) for c in chunks],
               delay_s=delay_s)
