"""Outbox worker: deliver each message once; back off throttled ones through SQS visibility."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.messaging import delivery
from shared.platform import aws
from shared.platform.observability import logger
from shared.platform.settings import settings

# Report every failure per item, even when all fail: a fully throttled batch is backoff, not an error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _record(record: SQSRecord) -> None:
    try:
        community_id, message_id = delivery.parse_body(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed outbox record dropped", extra={"message_id": record.message_id})
        return
    try:
        outcome = delivery.deliver(community_id, message_id)
    except delivery.Retry as retry:
        # Come back later without holding a Lambda: the record reappears after `delay_s`.
        aws.client("sqs").change_message_visibility(
            QueueUrl=settings().require("outbox_queue_url"), ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=retry.delay_s,
        )
        raise
    logger.debug("outbox record done", extra={"message_id": message_id, "outcome": outcome.status})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
