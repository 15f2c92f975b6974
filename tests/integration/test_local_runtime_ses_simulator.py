"""The local SES event simulator on moto: mail sent with the configuration set comes back as SES's events,
through the SesEvents topic and its SNS → SQS subscription, into the ProviderEvents worker."""

from __future__ import annotations

import json
import threading
import time
from email.message import EmailMessage
from typing import Any

import boto3
import pytest

from functions.workers import provider_events
from infra.local.config import LocalNames
from infra.local.mailbox import Mailbox
from infra.local.provision import configuration_set_name
from infra.local.ses_simulator import SesSimulator
from infra.local.sqs_poller import sqs_record
from shared.messaging import repository
from shared.messaging.models import Message, MessageStatus
from shared.platform import clock, ids
from shared.platform.channels import Category, Channel
from shared.suppression import service as suppression
from shared.suppression.models import Reason
from tests.support.api import FakeContext

pytestmark = pytest.mark.integration

CID = "01COMMUNITYSIMULATOR"
SENDER = "Oak Park <no-reply@porchlight.dev>"
CONFIGURATION_SET = configuration_set_name(LocalNames())  # what provisioning made for the local stage


@pytest.fixture
def simulator() -> SesSimulator:
    mailbox = Mailbox()
    mailbox.install_clock()
    return SesSimulator(mailbox, boto3.client("sns"), CONFIGURATION_SET, threading.Event())


def queue_url(aws_env: dict[str, Any]) -> str:
    return str(aws_env["queues"]["ProviderEvents"])


def make(to: str) -> Message:
    now = clock.iso()
    message = Message(id=ids.new_id(), community_id=CID, channel=Channel.EMAIL, category=Category.MARKETING,
                      to=to, status=MessageStatus.SENDING, subject="Pool closed", text="The pool is closed",
                      created_at=now, updated_at=now)
    repository.create(message)
    return message


def send(to: str, message: Message | None = None, **headers: str) -> str:
    """Send as the outbox worker does: the configuration set, the tags, and its own two headers."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = SENDER, to, "Pool closed"
    if message is not None:
        mail["X-Porchlight-Community"], mail["X-Porchlight-Message"] = message.community_id, message.id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content("The pool is closed")
    tags = [{"Name": "community_id", "Value": message.community_id},
            {"Name": "message_id", "Value": message.id}] if message else []
    answer = boto3.client("ses").send_raw_email(
        Source=SENDER, Destinations=[to], RawMessage={"Data": mail.as_bytes()},
        ConfigurationSetName=CONFIGURATION_SET, Tags=tags)
    return str(answer["MessageId"])


def received(aws_env: dict[str, Any], expected: int) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(messages) < expected and time.monotonic() < deadline:
        messages += sqs.receive_message(QueueUrl=queue_url(aws_env), MaxNumberOfMessages=10,
                                        WaitTimeSeconds=1).get("Messages", [])
    return messages


def inner(message: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(json.loads(message["Body"])["Message"])
    return event


def worker(records: list[dict[str, Any]]) -> Any:
    return provider_events.handler({"Records": records}, FakeContext())  # type: ignore[arg-type]


def test_a_bounce_reaches_the_worker_as_ses_would_send_it(aws_env: dict[str, Any], simulator: SesSimulator) -> None:
    message = make("bounce@simulator.amazonses.com")
    ses_id = send(message.to, message)
    assert simulator.publish_new() == 2
    messages = received(aws_env, 2)
    envelopes = [json.loads(m["Body"]) for m in messages]
    assert {e["Type"] for e in envelopes} == {"Notification"}
    assert {e["TopicArn"].rsplit(":", 1)[1] for e in envelopes} == {"porchlight-local-ses-events"}
    assert all(e["Signature"] and e["SigningCertURL"] and e["Timestamp"] for e in envelopes)
    events = sorted((inner(m) for m in messages), key=lambda e: e["eventType"] != "Send")
    assert [e["eventType"] for e in events] == ["Send", "Bounce"]
    mail = events[1]["mail"]
    assert mail["messageId"] == ses_id and mail["destination"] == [message.to]
    assert mail["tags"]["community_id"] == [CID] and mail["tags"]["message_id"] == [message.id]
    assert mail["tags"]["ses:configuration-set"] == [CONFIGURATION_SET]
    bounce = events[1]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
    assert bounce["bouncedRecipients"][0]["emailAddress"] == message.to

    records = [sqs_record(m, "arn:aws:sqs:us-east-1:123456789012:porchlight-local-provider-events") for m in messages]
    assert worker(records) == {"batchItemFailures": []}
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.BOUNCED and stored.provider_message_id == ses_id
    assert suppression.blocking_reason(CID, Channel.EMAIL, message.to, Category.TRANSACTIONAL) == Reason.BOUNCE


@pytest.mark.parametrize(("to", "expected"), [
    ("success@simulator.amazonses.com", ["Send", "Delivery"]),
    ("success+newsletter@simulator.amazonses.com", ["Send", "Delivery"]),
    ("Bounce+x@Simulator.AmazonSES.com", ["Send", "Bounce"]),
    ("complaint@simulator.amazonses.com", ["Send", "Delivery", "Complaint"]),
    ("suppressionlist@simulator.amazonses.com", ["Send", "Bounce"]),
    ("ooto@simulator.amazonses.com", ["Send", "Delivery"]),
    ("dana@example.com", ["Send", "Delivery"]),
])
def test_the_mailbox_simulator_addresses(aws_env: dict[str, Any], simulator: SesSimulator, to: str,
                                         expected: list[str]) -> None:
    send(to, make(to))
    assert simulator.publish_new() == len(expected)
    events = [inner(m) for m in received(aws_env, len(expected))]
    assert sorted(e["eventType"] for e in events) == sorted(expected)
    if to.startswith("suppressionlist"):
        (bounce,) = [e for e in events if e["eventType"] == "Bounce"]
        assert bounce["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_every_simulated_outcome_moves_the_message(aws_env: dict[str, Any], simulator: SesSimulator) -> None:
    expected = {"success@simulator.amazonses.com": MessageStatus.DELIVERED,
                "bounce@simulator.amazonses.com": MessageStatus.BOUNCED,
                "complaint@simulator.amazonses.com": MessageStatus.COMPLAINED,
                "suppressionlist@simulator.amazonses.com": MessageStatus.BOUNCED}
    messages = {to: make(to) for to in expected}
    for to, message in messages.items():
        send(to, message)
    published = simulator.publish_new()
    records = [sqs_record(m, "arn:aws:sqs:us-east-1:123456789012:x") for m in received(aws_env, published)]
    for start in range(0, len(records), 10):
        assert worker(records[start:start + 10]) == {"batchItemFailures": []}
    for to, message in messages.items():
        stored = repository.get(CID, message.id)
        assert stored is not None and stored.status == expected[to], to


def test_tags_from_the_ses_header_and_mail_without_tags(aws_env: dict[str, Any], simulator: SesSimulator) -> None:
    send("dana@example.com", X_SES_MESSAGE_TAGS="community_id=01C, message_id=01M")
    send("sam@example.com")  # e.g. a sign-in mail: no outbox tags, still through the configuration set
    assert simulator.publish_new() == 4
    tags = {e["mail"]["destination"][0]: e["mail"]["tags"] for e in map(inner, received(aws_env, 4))}
    assert tags["dana@example.com"]["community_id"] == ["01C"] and tags["dana@example.com"]["message_id"] == ["01M"]
    assert "community_id" not in tags["sam@example.com"]


def test_only_mail_of_a_configuration_set_with_a_destination_is_reported(aws_env: dict[str, Any],
                                                                         simulator: SesSimulator) -> None:
    send("dana@example.com", X_SES_CONFIGURATION_SET="someone-elses")
    assert simulator.publish_new() == 0
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url(aws_env), AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


def test_each_mail_is_reported_once(aws_env: dict[str, Any], simulator: SesSimulator) -> None:
    send("dana@example.com", make("dana@example.com"))
    assert simulator.publish_new() == 2
    assert simulator.publish_new() == 0
    send("sam@example.com", make("sam@example.com"))
    assert simulator.publish_new() == 2
    assert simulator.published == 4


def test_the_thread_publishes_in_the_background(aws_env: dict[str, Any]) -> None:
    mailbox, stop = Mailbox(), threading.Event()
    mailbox.install_clock()
    thread = SesSimulator(mailbox, boto3.client("sns"), CONFIGURATION_SET, stop, poll_s=0.05)
    thread.start()
    try:
        send("complaint@simulator.amazonses.com", make("complaint@simulator.amazonses.com"))
        assert len(received(aws_env, 3)) == 3
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
