"""Scheduled job (hourly) and admin command: move outbox dead letters back to the queue.

By hand in AWS: `aws lambda invoke --function-name <RequeueOutboxDeadLetters function> out.json`;
locally: `curl -X POST localhost:8000/_dev/jobs/RequeueOutboxDeadLetters`.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.campaigns import progress
from shared.messaging import redrive
from shared.platform.observability import logger, metrics


@metrics.log_metrics  # failures.record counts messages failed for a technical reason
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    limit = int((event or {}).get("limit", 5_000)) if isinstance(event, dict) else 5_000
    return {"moved": redrive.requeue_dead_letters(progress.settled, limit=limit)}
