"""RentCharges worker: a community's message fans out to its properties; a property's charges its rent.

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's
bound); charging is idempotent per tenancy per due date, so a retry never charges twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform.observability import logger
from shared.properties import rent_job

processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    try:
        message = rent_job.parse(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed rent message dropped", extra={"message_id": record.message_id})
        return
    rent_job.handle(message)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
