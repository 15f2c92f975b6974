"""Ledger events: after a posting that lowers what a tenant owes, one message on the `LedgerEvents` queue.

Property operations know nothing of what listens (today: the notices service voids an N4 once the
tenancy's arrears reach 0.00, RTA s.59(3)); they only say "this tenancy's ledger took a payment". The send
follows the committed posting: a failed send is logged and the payment stands (the posting is never undone
for it); see docs/notices.md for what that costs.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from shared.platform import aws
from shared.platform.observability import logger
from shared.platform.settings import settings


def posted(community_id: str, tenancy_id: str, entry_id: str, kind: str) -> None:
    try:
        aws.client("sqs").send_message(
            QueueUrl=settings().require("ledger_events_queue_url"),
            MessageBody=json.dumps({"community_id": community_id, "tenancy_id": tenancy_id, "entry_id": entry_id,
                                    "kind": kind}, separators=(",", ":")))
    except Exception:  # noqa: BLE001 - the payment is recorded; losing the event must not undo it
        logger.exception("ledger event not published", extra={"tenancy_id": tenancy_id, "entry_id": entry_id})


class LedgerEvent(BaseModel):
    """The LedgerEvents queue's body (the worker's typed SQS record model)."""

    community_id: str = Field(min_length=1)
    tenancy_id: str = Field(min_length=1)


def parse(body: str) -> tuple[str, str]:
    """(community id, tenancy id) of a ledger event; ValueError for anything else."""
    event = LedgerEvent.model_validate_json(body)
    return event.community_id, event.tenancy_id
