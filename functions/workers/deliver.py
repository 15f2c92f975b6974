"""Outbox worker (both lanes): deliver each message once; back off throttled ones through SQS visibility.

A record is either one message (`{"community_id", "message_id"}`) or a campaign chunk (`chunks`); both
follow the same rules (`shared.messaging.delivery`). Records are typed (`OutboxBody`): a malformed one is
logged and dropped. This module drains the bulk lane (`Outbox`); `deliver_priority` drains the priority
lane with the same code, its own queue and its own pacing budget (`shared.messaging.pacing`). What
delivery reports about campaigns goes to `shared.campaigns.progress` (the outbox never closes one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import RootModel

from functions.workers.parsed import Dropping, Typed
from shared.campaigns import progress
from shared.community import repository as communities
from shared.messaging import delivery, mime, outbox
from shared.messaging import tracked_links as links
from shared.messaging.chunks import ChunkBody
from shared.messaging.outbox import PointerBody
from shared.messaging.ports import Ports
from shared.platform import aws
from shared.platform.observability import logger, metrics
from shared.spec.resources import OUTBOX_QUEUE, QueueSpec

SENDER_TTL_S = 60  # a community's sender name or reply-to change reaches its mail within a minute


class OutboxBody(RootModel[ChunkBody | PointerBody]):
    """An outbox record's body: a chunk, or one message."""


_senders: dict[str, tuple[float, mime.Sender]] = {}


def sender_of(community_id: str) -> mime.Sender:
    """Who a community's mail is from: its sender name (or its name) and reply-to; kept a minute per
    worker, so a chunk does not read the community again."""
    now = time.monotonic()
    kept = _senders.get(community_id)
    if kept is not None and now - kept[0] < SENDER_TTL_S:
        return kept[1]
    community = communities.get_community(community_id)
    sender = mime.PLATFORM if community is None else mime.Sender(
        name=community.sender.from_name or community.name, reply_to=community.sender.reply_to,
        community_name=community.name)
    _senders[community_id] = (now, sender)
    return sender


PORTS = Ports(sender_of=sender_of, links=links)  # what delivery needs from above it (communities, tracking)


def record_handler(lane: QueueSpec) -> Callable[[Typed[OutboxBody]], None]:
    """The per-record work of the worker draining `lane`."""

    def come_back(record: Typed[OutboxBody], delay_s: int) -> None:
        """Make the record reappear after `delay_s` without holding a Lambda (no sleeping)."""
        aws.client("sqs").change_message_visibility(
            QueueUrl=outbox.queue_url(lane), ReceiptHandle=record.receiptHandle, VisibilityTimeout=delay_s,
        )

    def handle(record: Typed[OutboxBody]) -> None:
        body = record.body.root
        if isinstance(body, ChunkBody):
            report = delivery.deliver_chunk(body.chunk(), ports=PORTS, lane=lane.logical_id)
            progress.chunk_delivered(report)  # the outbox reports; campaigns decide whether one is done
            if report.retry_in_s is not None:
                come_back(record, report.retry_in_s)
                raise delivery.Retry("part of the chunk was deferred by the provider", report.retry_in_s)
            return
        try:
            outcome = delivery.deliver(body.community_id, body.message_id, ports=PORTS, lane=lane.logical_id)
        except delivery.Retry as retry:
            come_back(record, retry.delay_s)
            raise
        progress.settled(outcome.settled())
        logger.debug("outbox record done", extra={"message_id": body.message_id, "outcome": outcome.status})

    return handle


def processor() -> Dropping:
    """A processor per invocation (it holds the batch's state; the local runtime runs a lane's workers in
    one process). Every failure is reported per item, even when all fail: a throttled batch is backoff;
    a record that is not an outbox body is logged and dropped."""
    return Dropping(OutboxBody, "outbox record")


_record = record_handler(OUTBOX_QUEUE)


@metrics.log_metrics  # failures.record counts messages failed for a technical reason
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor(), context=context)
