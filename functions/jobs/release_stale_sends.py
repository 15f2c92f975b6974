"""Scheduled job: requeue messages a crash left `sending` with no provider record (see
`shared.messaging.stale`). Locally: `curl -X POST localhost:8000/_dev/jobs/ReleaseStaleSends`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.campaigns import progress
from shared.community import repository as communities
from shared.messaging import stale
from shared.platform.observability import logger, metrics


@metrics.log_metrics  # failures.record counts messages failed for a technical reason
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"requeued": stale.release_all(_community_ids(), progress.settled)}


def _community_ids() -> Iterator[str]:
    after: dict[str, Any] | None = None
    while True:
        page, after = communities.list_communities(limit=100, after=after)
        yield from (c.id for c in page)
        if after is None:
            return
