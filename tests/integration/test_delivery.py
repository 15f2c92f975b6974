"""Delivery is exactly-once to the recipient on an at-least-once queue: the fault cases."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from functions.jobs import requeue_dead_letters
from functions.workers import deliver_priority as deliver_worker  # one-off messages: the priority lane
from shared.messaging import delivery, outbox, repository
from shared.messaging.models import Message, MessageStatus
from shared.platform import aws, clock, ids
from shared.platform.channels import Category, Channel
from shared.suppression import service as suppression
from shared.suppression.models import Reason
from tests.support.api import FakeContext
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

CID = "01COMMUNITYDELIVERY"


def make(to: str = "success@simulator.amazonses.com", *, channel: Channel = Channel.EMAIL,
         category: Category = Category.TRANSACTIONAL, attempts: int = 0) -> Message:
    now = clock.iso()
    message = Message(
        id=ids.new_id(), community_id=CID, channel=channel, category=category, to=to, status=MessageStatus.QUEUED,
        attempts=attempts, subject="Pool closed" if channel == Channel.EMAIL else None,
        html="<p>The pool is closed <a href=\"https://example.com/pool\">details</a></p>"
        if channel == Channel.EMAIL else None,
        text="The pool is closed", created_at=now, updated_at=now,
    )
    repository.create(message)
    return message


class Provider:
    """Wraps the real (moto) clients: counts provider sends and injects failures."""

    def __init__(self) -> None:
        self.sends = 0
        self.failures: list[Exception] = []

    def client(self, service: str) -> Any:
        real = aws.client(service)
        if service not in ("ses", "sns"):
            return real
        provider = self

        def send(**kwargs: Any) -> Any:
            if provider.failures:
                raise provider.failures.pop(0)
            provider.sends += 1
            return real.send_raw_email(**kwargs) if service == "ses" else real.publish(**kwargs)

        return SimpleNamespace(send_raw_email=send, publish=send)


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    fake = Provider()
    monkeypatch.setattr(delivery, "aws", SimpleNamespace(client=fake.client))
    yield fake


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendRawEmail")


def rejected() -> ClientError:
    return ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendRawEmail")


def sqs_event(queue_url: str, visibility: int | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"QueueUrl": queue_url, "MaxNumberOfMessages": 10, "AttributeNames": ["All"]}
    if visibility is not None:
        kwargs["VisibilityTimeout"] = visibility
    messages = boto3.client("sqs").receive_message(**kwargs).get("Messages", [])
    return {"Records": [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
         "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
         "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:outbox",
         "awsRegion": "us-east-1"}
        for m in messages
    ]}


def test_a_message_is_sent_once_and_marked_sent(provider: Provider) -> None:
    message = make()
    assert delivery.deliver(CID, message.id).status == "sent"
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.SENT and stored.attempts == 1
    assert stored.provider_message_id and provider.sends == 1
    assert [e.type for e in stored.events] == ["attempt", "sent"]


def test_the_same_sqs_message_twice_sends_once(aws_env: dict[str, Any], provider: Provider) -> None:
    message = make()
    outbox.enqueue([message])
    outbox.enqueue([message])  # a duplicate, as at-least-once delivery may produce
    event = sqs_event(aws_env["queues"]["PriorityOutbox"])
    assert len(event["Records"]) == 2
    assert deliver_worker.handler(event, FakeContext()) == {"batchItemFailures": []}
    assert deliver_worker.handler(event, FakeContext()) == {"batchItemFailures": []}  # Lambda retry
    assert provider.sends == 1


def test_a_crash_after_the_provider_accepted_never_sends_twice(
    aws_env: dict[str, Any], provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = make()
    outbox.enqueue([message])

    def crash(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("Lambda died between the provider's answer and our write")

    monkeypatch.setattr(repository, "mark_sent", crash)
    first = deliver_worker.handler(sqs_event(aws_env["queues"]["PriorityOutbox"], visibility=0), FakeContext())
    assert len(first["batchItemFailures"]) == 1 and provider.sends == 1
    monkeypatch.undo()
    monkeypatch.setattr(delivery, "aws", SimpleNamespace(client=provider.client))
    # SQS redelivers; the message is still `sending` (outcome settled by the provider's notification).
    second = deliver_worker.handler(sqs_event(aws_env["queues"]["PriorityOutbox"]), FakeContext())
    assert second == {"batchItemFailures": []} and provider.sends == 1
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.SENDING


def test_an_unanswered_request_is_never_resent(provider: Provider) -> None:
    message = make()
    provider.failures = [ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com")]
    assert delivery.deliver(CID, message.id).status == "unknown"
    assert delivery.deliver(CID, message.id).status == "skipped"
    assert provider.sends == 0


def test_throttled_n_times_then_delivered_with_n_plus_one_attempts(provider: Provider) -> None:
    message = make()
    provider.failures = [throttled() for _ in range(3)]
    delays = []
    for _ in range(3):
        with pytest.raises(delivery.Retry) as retry:
            delivery.deliver(CID, message.id)
        delays.append(retry.value.delay_s)
    assert delivery.deliver(CID, message.id).status == "sent"
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.SENT
    assert stored.attempts == 4 and [e.type for e in stored.events].count("attempt") == 4
    assert [e.type for e in stored.events].count("retry_scheduled") == 3
    assert provider.sends == 1
    assert all(delivery.BACKOFF_BASE_S <= d <= delivery.BACKOFF_CAP_S for d in delays)


def test_throttling_pushes_the_sqs_message_out_instead_of_sleeping(aws_env: dict[str, Any], provider: Provider) -> None:
    message = make()
    outbox.enqueue([message])
    provider.failures = [throttled()]
    event = sqs_event(aws_env["queues"]["PriorityOutbox"])
    answer = deliver_worker.handler(event, FakeContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert sqs_event(aws_env["queues"]["PriorityOutbox"])["Records"] == []  # hidden for the backoff delay


def test_backoff_grows_and_is_capped() -> None:
    import random

    rng = random.Random(7)
    ceilings = [delivery.backoff_s(n, rng) for n in range(1, 12)]
    assert ceilings[0] >= delivery.BACKOFF_BASE_S and max(ceilings) <= delivery.BACKOFF_CAP_S
    assert ceilings[-1] > ceilings[0]


def test_a_permanent_error_fails_with_the_reason(provider: Provider) -> None:
    message = make()
    provider.failures = [rejected()]
    assert delivery.deliver(CID, message.id).status == "failed"
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.FAILED
    assert stored.last_error and "MessageRejected" in stored.last_error and provider.sends == 0


def test_suppressed_recipients_get_no_provider_call(provider: Provider) -> None:
    suppression.add(CID, Channel.EMAIL, "bounce@simulator.amazonses.com", Reason.BOUNCE, "message:x")
    suppression.add(CID, Channel.EMAIL, "optout@example.com", Reason.UNSUBSCRIBED, "message:y")
    bounced = make("bounce@simulator.amazonses.com", category=Category.MARKETING)
    opted_out = make("optout@example.com", category=Category.MARKETING)
    transactional = make("optout@example.com", category=Category.TRANSACTIONAL)
    assert delivery.deliver(CID, bounced.id).status == "suppressed"
    assert delivery.deliver(CID, opted_out.id).status == "suppressed"
    assert delivery.deliver(CID, transactional.id).status == "sent"  # opt-out is marketing only
    assert provider.sends == 1
    stored = repository.get(CID, bounced.id)
    assert stored is not None and stored.status == MessageStatus.SUPPRESSED and "bounce" in (stored.last_error or "")


def test_exhausted_attempts_land_in_the_dlq_and_the_requeue_path_drains_it(
    aws_env: dict[str, Any], provider: Provider
) -> None:
    poison = make(attempts=delivery.MAX_ATTEMPTS)  # throttled to the bound already
    outbox.enqueue([poison])
    sqs = boto3.client("sqs")
    for _ in range(10):  # every receive counts; moto redrives past maxReceiveCount
        sqs.receive_message(QueueUrl=aws_env["queues"]["PriorityOutbox"], VisibilityTimeout=0)
    dlq = aws_env["queues"]["PriorityOutboxDlq"]
    assert int(sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
               ["Attributes"]["ApproximateNumberOfMessages"]) == 1
    assert requeue_dead_letters.handler({}, FakeContext()) == {"moved": 1}
    assert int(sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
               ["Attributes"]["ApproximateNumberOfMessages"]) == 0  # drained
    (requeued,) = [e for e in audit_events(aws_env) if e.action == "messages.dead_letters_requeued"]
    assert requeued.community_id == CID and requeued.detail == {"records": 1}
    event = sqs_event(aws_env["queues"]["PriorityOutbox"])
    assert deliver_worker.handler(event, FakeContext()) == {"batchItemFailures": []}
    stored = repository.get(CID, poison.id)
    assert stored is not None and stored.status == MessageStatus.FAILED
    assert "gave up" in (stored.last_error or "") and provider.sends == 0


def test_marketing_mail_carries_unsubscribe_headers_and_tracking(provider: Provider) -> None:
    message = make("reader@example.com", category=Category.MARKETING)
    mail = delivery.build_email(message)
    assert mail["List-Unsubscribe"].startswith("<https://") and "/v1/unsubscribe/" in mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["X-Porchlight-Message"] == message.id
    parsed = email.message_from_bytes(mail.as_bytes())
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    assert "/v1/t/click/" in html and "/v1/t/open/" in html
    transactional = delivery.build_email(make("reader@example.com"))
    assert transactional["List-Unsubscribe"] is None


def test_sms_is_published_with_its_type(provider: Provider, aws_env: dict[str, Any]) -> None:
    message = make("+14165550123", channel=Channel.SMS, category=Category.MARKETING)
    assert delivery.deliver(CID, message.id).status == "sent"
    assert provider.sends == 1
    assert json.dumps(repository.get(CID, message.id).model_dump()).count("+14165550123") == 1  # type: ignore[union-attr]
