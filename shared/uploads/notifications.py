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

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform.observability import logger
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


def parse(body: str) -> ObjectCreated:
    """The S3 EventBridge event in an SQS message body."""
    try:
        event: dict[str, Any] = json.loads(body)
        if event.get("source") != "aws.s3" or event.get("detail-type") != DETAIL_TYPE:
            raise Unusable(f"not an S3 {DETAIL_TYPE} event")
        detail = event["detail"]
        key = str(detail["object"]["key"])  # EventBridge sends keys as they are (not URL-encoded)
        obj = detail["object"]
        return ObjectCreated(
            bucket=str(detail["bucket"]["name"]),
            key=key,
            size=int(obj.get("size", 0)),
            etag=str(obj.get("etag", obj.get("eTag", ""))),
            parts=parse_key(key),
        )
    except (ValueError, KeyError, TypeError) as error:
        if isinstance(error, Unusable):
            raise
        raise Unusable(f"malformed S3 event: {type(error).__name__}") from error


def worker(
    consumer: UploadConsumer, consume: Callable[[ObjectCreated], None]
) -> Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]:
    """The Lambda handler of `consumer`'s queue, calling `consume` for each of its objects."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> None:
        try:
            created = parse(record.body)
        except Unusable as unusable:
            logger.warning("upload event dropped", extra={"reason": str(unusable), "sqs_id": record.message_id})
            return
        if created.parts is None or created.parts.segment != consumer.segment:
            logger.warning("object is not a %s upload; ignored", consumer.segment, extra={"key": created.key[:300]})
            return
        logger.append_keys(community_id=created.parts.community_id)
        consume(created)

    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                        context=context)

    return handler
