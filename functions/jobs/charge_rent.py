"""Scheduled job `ChargeRent` (daily): one rent queue message per community (`shared.properties.rent_job`).
Locally: `curl -X POST localhost:8000/_dev/jobs/ChargeRent` (the queue's worker does the charging)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform.observability import logger
from shared.properties import rent_job


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"communities": rent_job.schedule()}
