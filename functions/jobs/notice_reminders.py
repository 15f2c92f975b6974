"""Scheduled job `NoticeReminders` (hourly): one queue message per community (`shared.notices_service.job`).
Locally: `curl -X POST localhost:8000/_dev/jobs/NoticeReminders` (the queue's worker does the mailing)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.notices_service import job
from shared.platform.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"communities": job.schedule()}
