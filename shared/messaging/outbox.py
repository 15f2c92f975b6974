"""Putting messages on the outbox queue: one SQS message per outbox message, 10 per call."""

from __future__ import annotations

import json
from collections.abc import Sequence

from shared.messaging.models import Message
from shared.platform import aws
from shared.platform.settings import settings

SQS_BATCH = 10


class EnqueueFailed(Exception):
    """Some messages could not be put on the queue (their ids are in `failed`)."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(f"{len(failed)} message(s) not queued")
        self.failed = failed


def body(message: Message) -> str:
    return json.dumps({"community_id": message.community_id, "message_id": message.id})


def enqueue(messages: Sequence[Message]) -> None:
    """Send every message's pointer to the outbox queue; raise `EnqueueFailed` naming the rest."""
    queue_url = settings().require("outbox_queue_url")
    sqs = aws.client("sqs")
    failed: list[str] = []
    for start in range(0, len(messages), SQS_BATCH):
        chunk = messages[start:start + SQS_BATCH]
        answer = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "MessageBody": body(m)} for i, m in enumerate(chunk)],
        )
        failed += [chunk[int(entry["Id"])].id for entry in answer.get("Failed", [])]
    if failed:
        raise EnqueueFailed(failed)
