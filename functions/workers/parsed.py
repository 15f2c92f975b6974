"""Typed SQS workers: each record's body validated by its queue's pydantic model before any work.

`record_model(Body)` is the powertools parser model of a queue's records (`SqsRecordModel` with
`body: Json[Body]`), given to `BatchProcessor(model=...)`. A record whose body does not match can never
succeed: `Dropping` logs it at ERROR and acknowledges it (today's behaviour of these workers); a record
whose handling raises is reported in `batchItemFailures` (it comes back, then goes to the DLQ after the
queue's bound), so the handlers must be idempotent, which each caller's docstring says how.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform.observability import logger
from shared.platform.sqs_records import B, Dropping, Typed, record_model

__all__ = ["Dropping", "Typed", "record_model", "worker"]
Handler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


def worker(body: type[B], handle: Callable[[B], object], what: str) -> Handler:
    """The Lambda handler of a queue whose bodies `body` models and `handle` acts on; `what` names a record
    in the log line of a dropped one."""

    def each(record: Typed[B]) -> None:  # powertools passes it as `record=`
        handle(record.body)

    @logger.inject_lambda_context(clear_state=True)  # no keys left over from an earlier invocation
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(event=event, record_handler=each, processor=Dropping(body, what),
                                        context=context)

    return handler
