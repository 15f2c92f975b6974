"""Outbox worker (both lanes): deliver each message once; back off throttled ones through SQS visibility.

A record is either one message (`{"community_id", "message_id"}`) or a campaign chunk of up to
`chunks.CHUNK_SIZE` message ids; both follow the same rules (`shared.messaging.delivery`). This
module drains the bulk lane (`Outbox`); `deliver_priority` drains the priority lane with the same
code, its own queue and its own pacing budget (`shared.messaging.pacing`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.campaigns import progress
from shared.identity import repository as identity_repository
from shared.messaging import chunks, delivery, mime, outbox
from shared.messaging.ports import Ports
from shared.platform import aws
from shared.platform.observability import logger, metrics
from shared.spec.resources import OUTBOX_QUEUE, QueueSpec
from shared.tracking import links


def sender_of(community_id: str) -> mime.Sender:
    """Who a community's mail is from: its sender name (or its name) and reply-to."""
    community = identity_repository.get_community(community_id)
    if community is None:
        return mime.PLATFORM
    return mime.Sender(name=community.sender.from_name or community.name, reply_to=community.sender.reply_to,
                       community_name=community.name)


PORTS = Ports(sender_of=sender_of, links=links)  # what delivery needs from above it (communities, tracking)


def record_handler(lane: QueueSpec) -> Callable[[SQSRecord], None]:
    """The per-record work of the worker draining `lane`."""

    def come_back(record: SQSRecord, delay_s: int) -> None:
        """Make the record reappear after `delay_s` without holding a Lambda (no sleeping)."""
        aws.client("sqs").change_message_visibility(
            QueueUrl=outbox.queue_url(lane), ReceiptHandle=record.receipt_handle, VisibilityTimeout=delay_s,
        )

    def handle(record: SQSRecord) -> None:
        try:
            chunk = chunks.parse(record.body)
            single = None if chunk is not None else delivery.parse_body(record.body)
        except (ValueError, KeyError, TypeError):
            logger.error("malformed outbox record dropped", extra={"message_id": record.message_id})
            return
        if chunk is not None:
            report = delivery.deliver_chunk(chunk, ports=PORTS, lane=lane.logical_id)
            progress.chunk_delivered(report)  # the outbox reports; campaigns decide whether one is done
            if report.retry_in_s is not None:
                come_back(record, report.retry_in_s)
                raise delivery.Retry("part of the chunk was deferred by the provider", report.retry_in_s)
            return
        assert single is not None
        community_id, message_id = single
        try:
            outcome = delivery.deliver(community_id, message_id, ports=PORTS, lane=lane.logical_id)
        except delivery.Retry as retry:
            come_back(record, retry.delay_s)
            raise
        progress.settled(outcome.settled())
        logger.debug("outbox record done", extra={"message_id": message_id, "outcome": outcome.status})

    return handle


def processor() -> BatchProcessor:
    """A processor per invocation (it holds the batch's state; the local runtime runs a lane's workers in
    one process). Every failure is reported per item, even when all fail: a throttled batch is backoff."""
    return BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


_record = record_handler(OUTBOX_QUEUE)


@metrics.log_metrics  # failures.record counts messages failed for a technical reason
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor(), context=context)
