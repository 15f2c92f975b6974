"""Scheduled job `WorkOrderSlaWatch` (hourly): one SLA queue message per community (`shared.maintenance.sla_watch`).
Locally: `curl -X POST localhost:8000/_dev/jobs/WorkOrderSlaWatch` (the queue's worker does the rest)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.maintenance import sla_watch
from shared.platform.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"communities": sla_watch.schedule()}
