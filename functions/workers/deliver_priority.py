"""Priority outbox worker: system and transactional mail/SMS and one-offs, ahead of campaigns.

The same delivery as the bulk lane (`functions.workers.deliver`), on its own queue and with
precedence in the SES/SNS budget (`shared.messaging.pacing`).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.workers.deliver import processor, record_handler
from shared.platform.observability import logger, metrics
from shared.spec.resources import PRIORITY_OUTBOX_QUEUE

_record = record_handler(PRIORITY_OUTBOX_QUEUE)


@metrics.log_metrics  # failures.record counts messages failed for a technical reason
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor(), context=context)
