"""Putting messages on the outbox: two lanes, and the one rule that picks a message's lane.

- The bulk lane (`OUTBOX_QUEUE`) carries campaign recipients: chunks from the fan-out, and a
  campaign's messages retried one by one. It is an SQS fair queue: each message carries its
  community as `MessageGroupId`, so one community's 20,000-recipient campaign does not starve
  another's.
- The priority lane (`PRIORITY_OUTBOX_QUEUE`) carries everything else: system mail (verification,
  invitations, magic links, password resets), one-off `POST /v1/messages`, emergencies, notices,
  reminders. Its sends take precedence in the SES/SNS budget (`pacing`), so a password reset never
  waits behind a campaign.

`OUTBOX_ROUTING=single` restores the design before lanes (everything on the bulk queue, no message
groups) for `make bench-lanes`, which measures both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from shared.messaging.models import Message
from shared.platform import aws
from shared.platform.settings import settings
from shared.spec.resources import OUTBOX_QUEUE, PRIORITY_OUTBOX_QUEUE, QueueSpec

SQS_BATCH = 10
SQS_BATCH_BYTES = 250_000  # SQS's 256 KB for a whole SendMessageBatch, with room for attributes
MAX_DELAY_S = 900  # SQS's DelaySeconds limit


class EnqueueFailed(Exception):
    """Some messages could not be put on the queue (their ids are in `failed`)."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(f"{len(failed)} message(s) not queued")
        self.failed = failed


def lane(campaign_id: str | None) -> QueueSpec:
    """The lane of a message or chunk: a campaign's recipients are bulk; anything else has priority."""
    if campaign_id is not None or settings().outbox_routing == "single":
        return OUTBOX_QUEUE
    return PRIORITY_OUTBOX_QUEUE


def queue_url(spec: QueueSpec) -> str:
    return settings().require(spec.env_var.lower())


@dataclass(frozen=True)
class Pointer:
    """One SQS message of the outbox: its body and the message ids it stands for."""

    community_id: str
    campaign_id: str | None
    body: str
    message_ids: tuple[str, ...]


class PointerBody(BaseModel):
    """The body of a single-message record (part of the outbox worker's typed record model)."""

    community_id: str = Field(min_length=1)
    message_id: str = Field(min_length=1)


def body(message: Message) -> str:
    return json.dumps({"community_id": message.community_id, "message_id": message.id})


def _entry(index: int, pointer: Pointer, spec: QueueSpec, delay_s: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": str(index), "MessageBody": pointer.body}
    if spec.fair and settings().outbox_routing == "lanes":
        entry["MessageGroupId"] = pointer.community_id  # fair queue: SQS schedules by community
    if delay_s:
        entry["DelaySeconds"] = min(delay_s, MAX_DELAY_S)
    return entry


def _batches(pointers: Sequence[Pointer]) -> list[list[Pointer]]:
    """SendMessageBatch calls: at most 10 entries and `SQS_BATCH_BYTES` of bodies each (chunks carry data)."""
    batches: list[list[Pointer]] = []
    size = 0
    for pointer in pointers:
        body = len(pointer.body.encode())
        if not batches or len(batches[-1]) == SQS_BATCH or size + body > SQS_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(pointer)
        size += body
    return batches


def put(pointers: Sequence[Pointer], *, delay_s: int = 0) -> None:
    """Send each pointer to its lane, 10 per SendMessageBatch; `EnqueueFailed` names the ids not queued."""
    sqs = aws.client("sqs")
    failed: list[str] = []
    by_lane: dict[str, tuple[QueueSpec, list[Pointer]]] = {}
    for pointer in pointers:
        spec = lane(pointer.campaign_id)
        by_lane.setdefault(spec.logical_id, (spec, []))[1].append(pointer)
    for spec, queued in by_lane.values():
        url = queue_url(spec)
        for batch in _batches(queued):
            answer = sqs.send_message_batch(
                QueueUrl=url, Entries=[_entry(i, p, spec, delay_s) for i, p in enumerate(batch)])
            for entry in answer.get("Failed", []):
                failed += batch[int(entry["Id"])].message_ids
    if failed:
        raise EnqueueFailed(failed)


def enqueue(messages: Sequence[Message]) -> None:
    """Send every message's pointer to its lane; raise `EnqueueFailed` naming the rest."""
    put([Pointer(m.community_id, m.campaign_id, body(m), (m.id,)) for m in messages])
