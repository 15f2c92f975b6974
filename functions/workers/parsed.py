"""One shape for the fan-out workers: parse each SQS record, drop a malformed one, handle the rest.

A record whose body cannot be parsed can never succeed: it is logged at ERROR and acknowledged. A record
whose handling raises is reported in `batchItemFailures` (it comes back, then goes to the DLQ after the
queue's bound), so the handlers must be idempotent, which each caller's docstring says how.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform.observability import logger

T = TypeVar("T")
Handler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


def worker(parse: Callable[[str], T], handle: Callable[[T], object], what: str) -> Handler:
    """The Lambda handler of a queue whose records `parse` reads and `handle` acts on; `what` names a record
    in the log line of a dropped one."""
    processor = BatchProcessor(event_type=EventType.SQS)

    def each(record: SQSRecord) -> None:  # powertools passes it as `record=`
        try:
            parsed = parse(record.body)
        except (ValueError, KeyError, TypeError):
            logger.error(f"malformed {what} dropped", extra={"message_id": record.message_id})
            return
        handle(parsed)

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(event=event, record_handler=each, processor=processor, context=context)

    return handler
