"""LedgerEvents worker: a payment, credit or reversed charge may void the tenancy's open N4s (RTA s.59(3)).

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's bound);
voiding is conditional on the notice's version, so a retry voids nothing twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.notices_service import payments
from shared.platform.observability import logger
from shared.properties import events

processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    try:
        community_id, tenancy_id = events.parse(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed ledger event dropped", extra={"message_id": record.message_id})
        return
    voided = payments.on_posted(community_id, tenancy_id)
    if voided:
        logger.info("N4 voided by payment", extra={"community_id": community_id, "notices": voided})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
