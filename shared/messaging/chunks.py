"""Outbox chunks: one SQS message carries up to `CHUNK_SIZE` message ids of one community.

Campaign fan-out puts its recipients on the outbox's bulk lane this way, so 20,000 recipients are 200
SQS messages (20 SendMessageBatch calls), not 20,000. The delivery worker claims, sends and marks
a chunk's messages in batches. Body: `{"kind": "chunk", "community_id", "campaign_id", "message_ids"}`;
single-message bodies (`{"community_id", "message_id"}`, see `outbox.body`) stay valid.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.messaging import outbox

CHUNK_SIZE = 98  # ids per SQS message: one transaction claims them, one settles them with 2 counter items
KIND = "chunk"


@dataclass(frozen=True)
class Chunk:
    community_id: str
    campaign_id: str | None
    message_ids: tuple[str, ...]

    def body(self) -> str:
        return json.dumps({"kind": KIND, "community_id": self.community_id, "campaign_id": self.campaign_id,
                           "message_ids": list(self.message_ids)})


def parse(body: str) -> Chunk | None:
    """The chunk in an outbox record body, or None when the body is a single-message pointer."""
    data: Any = json.loads(body)
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return None
    ids = data["message_ids"]
    if not isinstance(ids, list) or not ids or len(ids) > CHUNK_SIZE or not all(isinstance(i, str) for i in ids):
        raise ValueError("a chunk names 1 to CHUNK_SIZE message ids")
    campaign_id = data.get("campaign_id")
    return Chunk(str(data["community_id"]), str(campaign_id) if campaign_id else None, tuple(ids))


def split(community_id: str, campaign_id: str | None, message_ids: Sequence[str]) -> list[Chunk]:
    return [Chunk(community_id, campaign_id, tuple(message_ids[i:i + CHUNK_SIZE]))
            for i in range(0, len(message_ids), CHUNK_SIZE)]


def enqueue(chunks: Sequence[Chunk], *, delay_s: int = 0) -> None:
    """Put chunks on their lane (`outbox.lane`), 10 per SendMessageBatch; `EnqueueFailed` names the ids not queued."""
    outbox.put([outbox.Pointer(c.community_id, c.campaign_id, c.body(), c.message_ids) for c in chunks],
               delay_s=delay_s)
