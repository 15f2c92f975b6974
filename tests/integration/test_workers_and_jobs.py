"""The audit worker and the key-rotation job, with real SQS batch events and Secrets Manager on moto."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from functions.jobs import rotate_signing_key
from functions.workers import audit as audit_worker
from shared.audit import store
from shared.audit.events import AuditEvent
from shared.platform import signing
from tests.integration.conftest import signup
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration


def drain(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    return [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "attributes": {},
         "messageAttributes": {}, "eventSource": "aws:sqs", "awsRegion": "us-east-1"}
        for m in messages
    ]


def audit_items(table: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return [i for i in items if i["pk"]["S"].endswith("#AUDIT")]


def test_signup_and_login_leave_an_audit_trail(aws_env: dict[str, Any]) -> None:
    body = signup(ready=False)
    call("POST", "/v1/auth/login", json_body={"community": body["community"]["slug"], "email": "ann@example.com",
                                              "password": "wrong password"})
    records = drain(aws_env["queues"]["Audit"])
    answer = audit_worker.handler({"Records": records}, FakeContext())
    assert answer == {"batchItemFailures": []}
    actions = sorted(i["action"]["S"] for i in audit_items(aws_env["table"]))
    assert actions == ["auth.login.failed", "community.created"]
    community_pk = f"C#{body['community']['id']}#AUDIT"
    assert {i["pk"]["S"] for i in audit_items(aws_env["table"])} == {community_pk}
    stored = json.dumps(audit_items(aws_env["table"]))
    assert "ann@example.com" not in stored and "wrong password" not in stored


def test_redelivered_events_are_stored_once_and_garbage_is_dropped(aws_env: dict[str, Any]) -> None:
    event = AuditEvent(community_id="c1", action="test.thing", actor_id="u1")
    records = [
        {"messageId": "m1", "body": event.model_dump_json()},
        {"messageId": "m2", "body": event.model_dump_json()},  # the same event delivered twice
        {"messageId": "m3", "body": "{broken"},
        {"messageId": "m4", "body": json.dumps({"unexpected": True})},
    ]
    assert audit_worker.handler({"Records": records}, FakeContext()) == {"batchItemFailures": []}
    assert audit_worker.handler({"Records": records[:1]}, FakeContext()) == {"batchItemFailures": []}
    assert len(audit_items(aws_env["table"])) == 1


def test_unprocessed_items_are_reported_as_batch_failures(aws_env: dict[str, Any], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    events = [AuditEvent(community_id="c1", action="a", id=f"e{i}") for i in range(3)]
    records = [{"messageId": f"m{i}", "body": e.model_dump_json()} for i, e in enumerate(events)]

    class Throttled:
        def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
            table, requests = next(iter(RequestItems.items()))
            return {"UnprocessedItems": {table: [r for r in requests if r["PutRequest"]["Item"]["id"]["S"] == "e1"]}}

    monkeypatch.setattr(store, "aws", SimpleNamespace(client=lambda service: Throttled()))
    answer = audit_worker.handler({"Records": records}, FakeContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_key_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(aws_env: dict[str, Any]) -> None:
    body = signup()
    secrets = boto3.client("secretsmanager")
    first_kid = json.loads(secrets.get_secret_value(SecretId=aws_env["secret_id"])["SecretString"])["kid"]
    result = rotate_signing_key.handler({"detail-type": "Scheduled Event", "source": "aws.events"}, FakeContext())
    assert result["previous"] == [first_kid] and result["kid"] != first_kid
    secret = json.loads(secrets.get_secret_value(SecretId=aws_env["secret_id"])["SecretString"])
    assert secret["kid"] == result["kid"] and secret["previous"][0]["kid"] == first_kid
    # A token signed before the rotation still works; one signed after names the new key.
    assert call("GET", "/v1/me", token=body["access_token"]).status == 200
    signing.keyring(refresh=True)
    fresh = call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]}).body
    import jwt

    assert jwt.get_unverified_header(fresh["access_token"])["kid"] == result["kid"]
    assert call("GET", "/v1/me", token=fresh["access_token"]).status == 200
