"""NoticeReminderQueue worker: one community's hour of notices (turn effective; mail due reminders once).

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's bound);
each reminder is claimed before it is mailed, so a retry never mails one twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.notices_service import job
from shared.platform.observability import logger

processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    try:
        community_id = job.parse(record.body)
    except (ValueError, KeyError, TypeError):
        logger.error("malformed notice reminder message dropped", extra={"message_id": record.message_id})
        return
    outcome = job.handle(community_id)
    logger.info("notice reminders", extra={"community_id": community_id, "sent": outcome.sent,
                                           "effective": outcome.effective, "night": outcome.skipped_night})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
