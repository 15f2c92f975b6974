"""Typed SQS record models in the workers (issue 16, part 5): a body that does not match its queue's model is
logged and dropped (never a crash of the batch), a valid one reaches the handler typed, and a record whose
handling raises is reported alone in `batchItemFailures`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from functions.workers.parsed import record_model, worker
from tests.support.api import FakeContext

pytestmark = pytest.mark.unit


class Body(BaseModel):
    community_id: str = Field(min_length=1)
    n: int = 0


def record(message_id: str, body: Any) -> dict[str, Any]:
    return {"messageId": message_id, "receiptHandle": "rh", "body": body if isinstance(body, str) else json.dumps(body),
            "attributes": {}, "messageAttributes": {}, "md5OfBody": "x", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1"}


def test_malformed_records_are_dropped_valid_ones_typed_and_failures_reported_alone() -> None:
    seen: list[Body] = []

    def handle(body: Body) -> None:
        if body.n == 13:
            raise RuntimeError("for now")
        seen.append(body)

    handler = worker(Body, handle, "test message")
    event = {"Records": [record("ok", {"community_id": "c1", "n": 1}), record("garbage", "not json"),
                         record("wrong", {"community_id": ""}), record("missing", {"n": 2}),
                         record("fails", {"community_id": "c1", "n": 13}), record("ok2", {"community_id": "c2"})]}
    answer = handler(event, FakeContext())  # type: ignore[arg-type]
    assert answer == {"batchItemFailures": [{"itemIdentifier": "fails"}]}
    assert [(b.community_id, b.n) for b in seen] == [("c1", 1), ("c2", 0)]


def test_all_malformed_is_no_failure_at_all() -> None:
    handler = worker(Body, lambda body: None, "test message")
    assert handler({"Records": [record("a", "{}"), record("b", "[]")]}, FakeContext()) == {  # type: ignore[arg-type]
        "batchItemFailures": []}


def test_one_record_model_per_body_model() -> None:
    assert record_model(Body) is record_model(Body)
    parsed = record_model(Body).model_validate(record("m", {"community_id": "c9"}))
    assert parsed.body == Body(community_id="c9")
