"""WorkOrderSla worker: a community's message notes and mails the orders that went past their SLA.

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's
bound); noting is conditional and mail ids are derived, so a retry mails nobody twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.maintenance import sla_watch
from shared.platform.observability import logger

processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    try:
        community_id = sla_watch.parse(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed SLA watch message dropped", extra={"message_id": record.message_id})
        return
    sla_watch.watch_community(community_id)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
