"""Campaigns worker: one start message → the campaign's recipients on the outbox, in chunks.

Start messages come from `POST /v1/campaigns/{id}/send` (now) and from the campaign's one-time
EventBridge Scheduler schedule (at `send_at`). A crash resumes from the fan-out's checkpoint when
SQS delivers the message again (`shared.campaigns.fanout`).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.campaigns import fanout
from shared.platform.observability import logger


def _record(record: SQSRecord) -> None:
    try:
        start = fanout.parse(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed campaign start dropped", extra={"message_id": record.message_id})
        return
    outcome = fanout.run(start)
    logger.info("campaign start handled", extra={"campaign_id": start.campaign_id,
                                                 "outcome": str(outcome) if outcome else "in progress"})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # A processor per invocation (it holds the batch's state): the local runtime runs two campaigns'
    # fan-outs at once in one process, as AWS runs one Lambda per campaign.
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
