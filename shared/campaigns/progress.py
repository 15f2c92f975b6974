"""The campaigns' side of delivery: the outbox reports what it did, this decides if a campaign is done.

The outbox (`shared.messaging`) sits below campaigns and never closes one; the delivery worker, the
provider-events worker and the outbox jobs pass its reports here (`shared.messaging.progress`).
"""

from __future__ import annotations

from shared.campaigns import repository
from shared.campaigns.models import CampaignStatus
from shared.messaging.progress import ChunkReport, Settled


def settled(done: Settled | None) -> CampaignStatus | None:
    """A recipient of `done`'s campaign left `queued`: complete the campaign if it was the last one."""
    if done is None:
        return None
    return repository.complete(done.community_id, done.campaign_id)


def chunk_delivered(report: ChunkReport) -> CampaignStatus | None:
    """A chunk's round ended; once nothing of it is left, its campaign may be complete (an atomic counter
    on the campaign answers that without a read: `repository.chunk_done`)."""
    done = report.settled()
    if done is None:
        return None
    return repository.chunk_done(done.community_id, done.campaign_id)
