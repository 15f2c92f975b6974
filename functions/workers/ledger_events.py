"""LedgerEvents worker: a payment, credit or reversed charge may void the tenancy's open N4s (RTA s.59(3)).

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's bound);
voiding is conditional on the notice's version, so a retry voids nothing twice.
"""

from __future__ import annotations

from functions.workers.parsed import worker
from shared.notices_service import payments
from shared.platform.observability import logger
from shared.properties import events


def _posted(event: events.LedgerEvent) -> None:
    community_id, tenancy_id = event.community_id, event.tenancy_id
    voided = payments.on_posted(community_id, tenancy_id)
    if voided:
        logger.info("N4 voided by payment", extra={"community_id": community_id, "notices": voided})


handler = worker(events.LedgerEvent, _posted, "ledger event")
