"""A lighter footprint (issue 16, part 4) on moto: the fan-out writes no message item, a chunk carries its
recipients so delivery reads none back (only suppressions and consent), the claim writes each item once
(< 1 KB, its history derived), completion needs no read, and a redelivered chunk sends nothing twice."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from functions.workers import deliver as deliver_worker
from shared.messaging.chunks import CHUNK_SIZE
from shared.platform import keys
from tests.integration.test_campaigns import campaign, community, run_fanout, sent_mail  # noqa: F401 (fixture)
from tests.integration.test_delivery import sqs_event
from tests.integration.test_messages_api import template
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration


def dynamodb_size(value: Any) -> int:
    """DynamoDB's item size: attribute names plus values (strings and numbers by their length, maps and
    lists with 3 bytes and 1 per element) — what a write unit (1 KB) is charged on."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("S", "N", "L", "M", "NULL", "BOOL"):
        kind, inner = next(iter(value.items()))
        if kind == "L":
            return 3 + sum(1 + dynamodb_size(v) for v in inner)
        if kind == "M":
            return 3 + sum(len(k) + 1 + dynamodb_size(v) for k, v in inner.items())
        return 1 if kind in ("NULL", "BOOL") else len(str(inner).encode())
    return sum(len(k.encode()) + dynamodb_size(v) for k, v in value.items())


def test_carried_chunks_read_nothing_back_and_complete_without_a_read(
        community: dict[str, Any], aws_env: dict[str, Any], dynamodb_calls: list[str]) -> None:  # noqa: F811
    token = community["token"]
    cid = community["admin"]["community"]["id"]
    made = campaign(token, template(token, category="marketing"), audience={"filter": {"roles": ["owner"]}})
    assert call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={}).status == 202
    dynamodb_calls.clear()
    run_fanout(aws_env)
    assert "BatchWriteItem" not in dynamodb_calls and "PutItem" not in dynamodb_calls  # nothing per recipient
    event = sqs_event(aws_env["queues"]["Outbox"])
    (record,) = event["Records"]
    body = json.loads(record["body"])
    assert body["kind"] == "chunk" and 0 < len(body["recipients"]) <= CHUNK_SIZE and "message_ids" not in body
    before = len(sent_mail())
    dynamodb_calls.clear()
    assert deliver_worker.handler(event, FakeContext()) == {"batchItemFailures": []}
    # suppressions + consent (one each), claim + settle (one each), the completion ADD; the sender and the
    # template are read once per worker; no message item and no campaign is read.
    assert dynamodb_calls.count("BatchGetItem") == 2
    assert dynamodb_calls.count("TransactWriteItems") == 3  # claim, settle, completion transition
    assert dynamodb_calls.count("UpdateItem") == 1
    assert dynamodb_calls.count("Query") == 0 and dynamodb_calls.count("GetItem") <= 2  # cold caches only
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    sent = len(sent_mail()) - before
    assert report["queued"] == 0 and report["sent"] == sent and report["suppressed"] >= 1  # Gus opted out
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "sent"

    ada = f"{made['id']}-{community['residents']['Ada']['id']}"
    message = call("GET", f"/v1/messages/{ada}", token=token).body
    assert [(e["type"], sorted(e["detail"])) for e in message["events"]] == [
        ("queued", ["campaign_id"]), ("attempt", ["attempt"]), ("sent", ["provider_message_id"])]
    assert message["events"][1]["detail"] == {"attempt": 1}
    assert message["events"][2]["detail"]["provider_message_id"] == message["provider_message_id"]
    pk, sk = keys.message(cid, ada)
    item = boto3.client("dynamodb").get_item(TableName=aws_env["table"], Key={"pk": {"S": pk}, "sk": {"S": sk}})
    assert dynamodb_size(item["Item"]) < 1024 and "id" not in item["Item"]

    # SQS delivers the same chunk again: every claim is refused, nothing is sent twice.
    assert deliver_worker.handler(event, FakeContext()) == {"batchItemFailures": []}
    assert len(sent_mail()) - before == sent
