"""What the outbox reports upward about campaigns, so that it never closes one itself.

Campaigns sit above messaging: the outbox only says which campaign may have just lost its last
pending recipient (`Settled`), or what one chunk did (`ChunkReport`). The workers and jobs on top
hand these to `shared.campaigns.progress`, which decides whether the campaign is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Settled:
    """A recipient of this campaign left `queued`/`sending` (sent, failed, suppressed, ...)."""

    community_id: str
    campaign_id: str


OnSettled = Callable[[Settled], object]  # what a job calls for each campaign it settled a recipient of


@dataclass(frozen=True)
class ChunkReport:
    """One delivery round of a chunk: what happened to its due recipients."""

    community_id: str
    campaign_id: str | None
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    deferred: int = 0  # released by the provider ("later"): the chunk comes back after `retry_in_s`
    unknown: int = 0  # the provider's answer was lost: left `sending` for SES's notification
    retry_in_s: int | None = None

    @property
    def final(self) -> bool:
        """Nothing of this chunk is left for another round (a campaign may be complete now)."""
        return self.retry_in_s is None

    def settled(self) -> Settled | None:
        return Settled(self.community_id, self.campaign_id) if self.campaign_id and self.final else None
