"""Outbox lanes on moto (issue 16): a one-off message goes to the priority lane, a campaign's chunks to the
bulk lane with their community as MessageGroupId; a priority send is counted for bulk to yield to; a
throttled send pauses the worker and comes back once, never twice; the embedded SES answers `Throttling`
above SES_MAX_SEND_RATE as SES does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from functions.workers import deliver_priority
from infra.local.embedded_aws import EmbeddedAws
from shared.messaging import outbox, pacing, repository
from shared.messaging.models import MessageStatus
from shared.platform import keys
from shared.platform.settings import settings
from shared.spec.resources import PRIORITY_OUTBOX_QUEUE
from tests.integration.conftest import signup
from tests.integration.test_campaigns import run_fanout
from tests.integration.test_delivery import CID, Provider, make, sqs_event, throttled
from tests.integration.test_delivery import provider as provider  # noqa: F401 - the fixture
from tests.integration.test_messages_api import template
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration


def bodies(queue_url: str) -> list[dict[str, Any]]:
    return boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                               MessageSystemAttributeNames=["All"]).get("Messages", [])


def test_a_one_off_message_has_priority_and_a_campaign_is_bulk(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token, cid = admin["access_token"], admin["community"]["id"]
    boto3.client("sqs").purge_queue(QueueUrl=aws_env["queues"]["PriorityOutbox"])  # the signup mail
    one_off = call("POST", "/v1/messages", token=token, json_body={
        "channel": "email", "template_id": template(token)["id"], "to": "a@example.com",
        "variables": {"first_name": "A", "balance": "1"}})
    assert one_off.status == 202, one_off.body
    (pointer,) = bodies(aws_env["queues"]["PriorityOutbox"])
    assert one_off.body["id"] in pointer["Body"] and "MessageGroupId" not in pointer["Attributes"]
    assert bodies(aws_env["queues"]["Outbox"]) == []

    call("POST", "/v1/residents", token=token, json_body={"first_name": "B", "last_name": "Lee",
                                                          "email": "b@example.com", "role": "owner"})
    made = call("POST", "/v1/campaigns", token=token, json_body={
        "name": "Dues", "channel": "email", "template_id": template(token, category="marketing")["id"],
        "audience": {"filter": {"roles": ["owner"]}}})
    assert made.status == 201, made.body
    assert call("POST", f"/v1/campaigns/{made.body['id']}/send", token=token, json_body={}).status == 202
    run_fanout(aws_env)
    (chunk,) = bodies(aws_env["queues"]["Outbox"])
    assert json.loads(chunk["Body"])["kind"] == "chunk" and chunk["Attributes"]["MessageGroupId"] == cid


@pytest.fixture
def fresh_pacing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    pacing.send_bucket.cache_clear()
    pacing.ledger.cache_clear()
    yield
    pacing.send_bucket.cache_clear()
    pacing.ledger.cache_clear()


def ledger_count() -> int:
    pk, sk = keys.send_ledger()
    item = boto3.client("dynamodb").get_item(TableName=settings().table_name,
                                             Key={"pk": {"S": pk}, "sk": {"S": sk}}).get("Item")
    return int(item["sends"]["N"]) if item else 0


def test_a_throttled_priority_send_pauses_comes_back_and_is_sent_once(
        aws_env: dict[str, Any], provider: Provider, fresh_pacing: None) -> None:
    message = make()
    outbox.enqueue([message])
    provider.failures = [throttled()]
    event = sqs_event(aws_env["queues"]["PriorityOutbox"])
    answer = deliver_priority.handler(event, FakeContext())
    assert answer["batchItemFailures"] == [{"itemIdentifier": event["Records"][0]["messageId"]}]
    assert pacing.send_bucket(PRIORITY_OUTBOX_QUEUE.logical_id)._tokens < 0  # paused for a second
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.QUEUED and provider.sends == 0
    assert ledger_count() == 0  # nothing was sent, nothing is charged to bulk
    sqs = boto3.client("sqs")  # the backoff has passed
    sqs.change_message_visibility(QueueUrl=aws_env["queues"]["PriorityOutbox"],
                                  ReceiptHandle=event["Records"][0]["receiptHandle"], VisibilityTimeout=0)
    again = sqs_event(aws_env["queues"]["PriorityOutbox"])
    assert deliver_priority.handler(again, FakeContext()) == {"batchItemFailures": []}
    assert deliver_priority.handler(again, FakeContext()) == {"batchItemFailures": []}  # a duplicate delivery
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.SENT and stored.attempts == 2
    assert provider.sends == 1 and ledger_count() == 1  # sent once; one priority send for bulk to pay back


def test_the_priority_lane_sample_event(aws_env: dict[str, Any], provider: Provider, fresh_pacing: None) -> None:
    """events/sqs-priority-outbox-message.json, pointed at a real message: delivered once, the record done."""
    message = make()
    event = json.loads(Path("events/sqs-priority-outbox-message.json").read_text())
    event["Records"][0]["body"] = json.dumps({"community_id": CID, "message_id": message.id})
    assert deliver_priority.handler(event, FakeContext()) == {"batchItemFailures": []}
    assert deliver_priority.handler(event, FakeContext()) == {"batchItemFailures": []}  # redelivered: skipped
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.SENT and provider.sends == 1


def test_the_embedded_ses_throttles_above_the_configured_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SES_MAX_SEND_RATE", "3")
    settings.cache_clear()
    aws = EmbeddedAws("127.0.0.1", 0)
    url = aws.start()
    try:
        ses = boto3.client("ses", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}))
        ses.verify_domain_identity(Domain="porchlight.dev")
        raw = {"Data": b"From: a@porchlight.dev\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello"}
        for _ in range(3):  # one second's worth: SES allows the burst
            ses.send_raw_email(Source="a@porchlight.dev", Destinations=["b@example.com"], RawMessage=raw)
        with pytest.raises(ClientError) as refused:
            ses.send_raw_email(Source="a@porchlight.dev", Destinations=["b@example.com"], RawMessage=raw)
        assert refused.value.response["Error"] == {"Type": "Sender", "Code": "Throttling",
                                                   "Message": "Maximum sending rate exceeded."}
        assert aws.send_limit.accepted == 3 and aws.send_limit.throttled >= 1
        ses.get_send_quota()  # not a send: never throttled
    finally:
        aws.stop()
        settings.cache_clear()
