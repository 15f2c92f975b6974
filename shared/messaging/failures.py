"""Messages that end `failed` for a technical reason: never silent.

A template that no longer renders, a header that cannot be encoded, attempts or requeue rounds
exhausted: none of these is the recipient's doing, and each means a community's mail is not going
out. Each is logged at ERROR with the community and message ids and counted in
`TECHNICAL_FAILURE_METRIC` (one dimension, the service), which a CloudWatch alarm watches.
Locally metrics are off and the ERROR line is what shows it.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from shared.platform.observability import logger, metrics
from shared.spec.resources import TECHNICAL_FAILURE_METRIC


def record(community_id: str, message_id: str, reason: str, *, kind: str) -> None:
    """Log and count one message that ended `failed` for a technical reason (`kind`: e.g. "unrenderable")."""
    logger.error("message failed for a technical reason", extra={
        "community_id": community_id, "message_id": message_id, "failure": kind, "reason": reason[:300],
    })
    metrics.add_metric(name=TECHNICAL_FAILURE_METRIC, unit=MetricUnit.Count, value=1)
