"""Campaigns worker: one start message → the campaign's recipients on the outbox, in chunks.

Start messages come from `POST /v1/campaigns/{id}/send` (now) and from the campaign's one-time
EventBridge Scheduler schedule (at `send_at`). A crash resumes from the fan-out's checkpoint when
SQS delivers the message again (`shared.campaigns.fanout`). Records are typed (`fanout.StartMessage`);
a malformed one is logged and dropped (`functions.workers.parsed`).
"""

from __future__ import annotations

from functions.workers.parsed import worker
from shared.campaigns import fanout
from shared.platform.observability import logger


def _start(message: fanout.StartMessage) -> None:
    start = message.start()
    outcome = fanout.run(start)
    logger.info("campaign start handled", extra={"campaign_id": start.campaign_id,
                                                 "outcome": str(outcome) if outcome else "in progress"})


handler = worker(fanout.StartMessage, _start, "campaign start")
