"""Typed SQS records: each worker's records validated by its queue's pydantic body model before any work.

`record_model(Body)` is the powertools parser model of a queue's records (`SqsRecordModel` with
`body: Json[Body]`), given to `BatchProcessor(model=...)`. A record whose body does not match can never
succeed: `Dropping` logs it at ERROR and acknowledges it; a record whose handling raises is reported in
`batchItemFailures` (it comes back, then goes to the DLQ after the queue's bound).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Generic, TypeVar, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Field, Json, create_model

from shared.platform.observability import logger

B = TypeVar("B", bound=BaseModel)


class SqsRecord(SqsRecordModel):
    """Lambda's SQS record. Only the body matters to our workers: the envelope's `attributes` are taken as
    sent (an event built from a ReceiveMessage without `AttributeNames` has none), so a legitimate record is
    never dropped for a missing receive count."""

    attributes: dict[str, Any] = Field(default_factory=dict)  # type: ignore[assignment]


class Typed(SqsRecord, Generic[B]):
    """For type checkers: a record whose `body` is already the queue's model."""

    body: B


@cache
def record_model(body: type[BaseModel]) -> type[SqsRecordModel]:
    """The SQS record model whose body is JSON of `body` (one class per body model)."""
    json_body: Any = Json[body]  # type: ignore[valid-type,misc]
    return cast(type[SqsRecordModel], create_model(f"{body.__name__}Record", __base__=SqsRecord,
                                                   body=(json_body, ...)))


class Dropping(BatchProcessor):
    """A processor that acknowledges a record its model rejects, with an ERROR line naming `what`."""

    def __init__(self, body: type[BaseModel], what: str) -> None:
        super().__init__(event_type=EventType.SQS, model=record_model(body), raise_on_entire_batch_failure=False)
        self.what = what

    def _register_model_validation_error_record(self, record: dict[str, Any]) -> Any:
        logger.error(f"malformed {self.what} dropped", extra={"message_id": record.get("messageId")})
        return self.success_handler(record=record, result=None)
