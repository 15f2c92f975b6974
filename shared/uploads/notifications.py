"""S3 "Object Created" events as a consumer's worker receives them: S3 → EventBridge → rule → SQS.

One mechanism for every kind of upload: the bucket sends ObjectCreated to EventBridge, and each
`UploadConsumer` of `shared.spec.resources` has a rule matching its key pattern whose target is
its own queue. A consumer's worker is then:

    handler = notifications.worker(consume)      # consume(ObjectCreated) -> None

`worker` parses each SQS record, drops what can never apply (not an S3 event, not an upload key,
another consumer's segment) with a log line, and reports only records whose `consume` raised in
`batchItemFailures`, so they come back after the visibility timeout and end in the DLQ.
`consume` must be idempotent: S3 and EventBridge deliver at least once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, ValidationError

from shared.platform.observability import logger
from shared.platform.sqs_records import Dropping, Typed
from shared.spec.resources import UploadConsumer
from shared.uploads.objects import ObjectKey, parse_key

DETAIL_TYPE = "Object Created"


def event_pattern(bucket_name: str, consumer: UploadConsumer) -> dict[str, Any]:
    """The EventBridge pattern of `consumer`'s rule (infra/uploads.py and the local runtime put this one)."""
    return {
        "source": ["aws.s3"],
        "detail-type": [DETAIL_TYPE],
        "detail": {"bucket": {"name": [bucket_name]}, "object": {"key": [{"wildcard": consumer.key_pattern}]}},
    }


class Unusable(ValueError):
    """The record can never be processed (malformed, not an S3 ObjectCreated event)."""


@dataclass(frozen=True)
class ObjectCreated:
    bucket: str
    key: str
    size: int
    etag: str
    parts: ObjectKey | None  # None: not an upload key


class _Bucket(BaseModel):
    name: str


class _Object(BaseModel):
    key: str = Field(min_length=1)  # EventBridge sends keys as they are (not URL-encoded)
    size: int = 0
    etag: str | None = None
    eTag: str | None = None  # noqa: N815 - S3's own spelling in some events


class _Detail(BaseModel):
    bucket: _Bucket
    object: _Object


class S3ObjectCreatedEvent(BaseModel):
    """The body of an upload queue's record: S3's ObjectCreated through EventBridge (the typed record model)."""

    source: Literal["aws.s3"]
    detail_type: Literal["Object Created"] = Field(alias="detail-type")
    detail: _Detail

    def created(self) -> ObjectCreated:
        obj = self.detail.object
        return ObjectCreated(bucket=self.detail.bucket.name, key=obj.key, size=obj.size,
                             etag=obj.etag or obj.eTag or "", parts=parse_key(obj.key))


def parse(body: str) -> ObjectCreated:
    """The S3 EventBridge event in an SQS message body."""
    try:
        return S3ObjectCreatedEvent.model_validate_json(body).created()
    except ValidationError as error:
        raise Unusable(f"not an S3 {DETAIL_TYPE} event: {error.error_count()} problem(s)") from error


def worker(
    consumer: UploadConsumer, consume: Callable[[ObjectCreated], None]
) -> Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]:
    """The Lambda handler of `consumer`'s queue, calling `consume` for each of its objects."""
    def record_handler(record: Typed[S3ObjectCreatedEvent]) -> None:
        created = record.body.created()
        if created.parts is None or created.parts.segment != consumer.segment:
            logger.warning("object is not a %s upload; ignored", consumer.segment, extra={"key": created.key[:300]})
            return
        logger.append_keys(community_id=created.parts.community_id)
        consume(created)

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(event=event, record_handler=record_handler,
                                        processor=Dropping(S3ObjectCreatedEvent, "upload event"), context=context)

    return handler
