"""Audit events: who did what, from where, to what. Published to a queue, stored by a worker.

Going through SQS keeps the request path fast and the write at-least-once; the item key is
the event's own id, so a redelivered event overwrites itself instead of doubling.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.platform import aws, clock, ids
from shared.platform.observability import logger
from shared.platform.settings import settings


class AuditEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=ids.new_id)
    community_id: str
    action: str  # e.g. auth.login.succeeded
    actor_id: str | None = None
    target: str | None = None
    ip: str = ""
    user_agent: str = ""
    at: str = Field(default_factory=clock.iso)
    detail: dict[str, Any] = Field(default_factory=dict)


def publish(event: AuditEvent) -> None:
    """Send one event to the audit queue. A failure is logged, never shown to the user."""
    try:
        aws.client("sqs").send_message(
            QueueUrl=settings().require("audit_queue_url"),
            MessageBody=event.model_dump_json(),
        )
    except Exception:  # noqa: BLE001 - the action succeeded; losing its trace must not undo it
        logger.exception("audit event not published", extra={"action": event.action})


def parse(body: str) -> AuditEvent:
    return AuditEvent.model_validate(json.loads(body))
