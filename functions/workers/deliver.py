"""Outbox worker: deliver each message once; back off throttled ones through SQS visibility.

A record is either one message (`{"community_id", "message_id"}`) or a campaign chunk of up to
`chunks.CHUNK_SIZE` message ids; both follow the same rules (`shared.messaging.delivery`).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.messaging import chunks, delivery
from shared.platform import aws
from shared.platform.observability import logger, metrics
from shared.platform.settings import settings

# Report every failure per item, even when all fail: a fully throttled batch is backoff, not an error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _come_back(record: SQSRecord, delay_s: int) -> None:
    """Make the record reappear after `delay_s` without holding a Lambda (no sleeping)."""
    aws.client("sqs").change_message_visibility(
        QueueUrl=settings().require("outbox_queue_url"), ReceiptHandle=record.receipt_handle, VisibilityTimeout=delay_s,
    )


def _record(record: SQSRecord) -> None:
    try:
        chunk = chunks.parse(record.body)
        single = None if chunk is not None else delivery.parse_body(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed outbox record dropped", extra={"message_id": record.message_id})
        return
    if chunk is not None:
        delay = delivery.deliver_chunk(chunk)
        if delay is not None:
            _come_back(record, delay)
            raise delivery.Retry("part of the chunk was deferred by the provider", delay)
        return
    assert single is not None
    community_id, message_id = single
    try:
        outcome = delivery.deliver(community_id, message_id)
    except delivery.Retry as retry:
        _come_back(record, retry.delay_s)
        raise
    logger.debug("outbox record done", extra={"message_id": message_id, "outcome": outcome.status})


@metrics.log_metrics  # failures.record counts messages failed for a technical reason
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
