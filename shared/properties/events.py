"""Ledger events: after a posting that lowers what a tenant owes, one message on the `LedgerEvents` queue.

Property operations know nothing of what listens (today: the notices service voids an N4 once the
tenancy's arrears reach 0.00, RTA s.59(3)); they only say "this tenancy's ledger took a payment". The send
follows the committed posting: a failed send is logged and the payment stands (the posting is never undone
for it); see docs/notices.md for what that costs.
"""

from __future__ import annotations

import json

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


def parse(body: str) -> tuple[str, str]:
    """(community id, tenancy id) of a ledger event; ValueError for anything else."""
    message = json.loads(body)
    community_id, tenancy_id = message["community_id"], message["tenancy_id"]
    if not isinstance(community_id, str) or not isinstance(tenancy_id, str) or not community_id or not tenancy_id:
        raise ValueError("community_id and tenancy_id")
    return community_id, tenancy_id
