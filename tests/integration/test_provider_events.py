"""The ProviderEvents worker on real SQS batch events against moto: statuses, suppressions, SMS replies."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from moto.sns.models import sns_backends
from pynamodb.exceptions import GetError

from functions.workers import provider_events
from shared.messaging import events, repository, sms_routes
from shared.messaging.models import Message, MessageStatus
from shared.messaging.provider import REPLIES, Keyword
from shared.platform import clock, ids
from shared.platform.channels import Category, Channel
from shared.suppression import repository as suppressions
from shared.suppression import service as suppression
from shared.suppression.models import Reason
from tests.support.api import FakeContext

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).parents[2] / "events"
CID = "01COMMUNITYPROVIDER"
SES_ID = "010001932a1b2c3d-0000-0000-0000-000000000000-000000"
PHONE, OURS = "+14255550182", "+12125550101"


def make(cid: str = CID, to: str = "dana@example.com", status: MessageStatus = MessageStatus.SENT,
         message_id: str | None = None, channel: Channel = Channel.EMAIL) -> Message:
    now = clock.iso()
    message = Message(id=message_id or ids.new_id(), community_id=cid, channel=channel,
                      category=Category.TRANSACTIONAL, to=to, status=status, subject="Pool closed",
                      text="The pool is closed", created_at=now, updated_at=now)
    repository.create(message)
    return message


def ses_event(event_type: str, message: Message, section: dict[str, Any] | None = None,
              tags: bool = True) -> dict[str, Any]:
    """An SES event-publishing record (the documented shape) for one of our messages."""
    mail: dict[str, Any] = {
        "timestamp": "2026-11-21T12:00:00.000Z", "source": "no-reply@porchlight.dev", "messageId": SES_ID,
        "sendingAccountId": "123456789012", "destination": [message.to], "headersTruncated": False,
        "tags": {"ses:configuration-set": ["porchlight-test"]},
    }
    if tags:
        mail["tags"] |= {"community_id": [message.community_id], "message_id": [message.id]}
    key = {"Rendering Failure": "failure", "DeliveryDelay": "deliveryDelay"}.get(event_type, event_type.lower())
    return {"eventType": event_type, "mail": mail, key: section or {}}


def bounce(message: Message, bounce_type: str = "Permanent", subtype: str = "General") -> dict[str, Any]:
    return ses_event("Bounce", message, {
        "bounceType": bounce_type, "bounceSubType": subtype, "timestamp": "2026-11-21T12:00:03.000Z",
        "bouncedRecipients": [{"emailAddress": message.to, "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1"}],
    })


def complaint(message: Message) -> dict[str, Any]:
    return ses_event("Complaint", message, {"complainedRecipients": [{"emailAddress": message.to}],
                                            "timestamp": "2026-11-21T13:00:00.000Z",
                                            "complaintFeedbackType": "abuse"})


def inbound(body: str, phone: str = PHONE) -> dict[str, Any]:
    return {"originationNumber": phone, "destinationNumber": OURS, "messageBody": body,
            "inboundMessageId": str(uuid.uuid4())}


def envelope(message: dict[str, Any] | str, topic: str = "SesEvents") -> str:
    return json.dumps({
        "Type": "Notification", "MessageId": str(uuid.uuid4()),
        "TopicArn": f"arn:aws:sns:us-east-1:123456789012:porchlight-test-{topic}",
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": "2026-11-21T12:00:04.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    })


def batch(*bodies: str) -> dict[str, Any]:
    return {"Records": [{
        "messageId": f"sqs-{index}", "receiptHandle": f"handle-{index}", "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795262404000", "SenderId": "AIDAEXAMPLE",
                       "ApproximateFirstReceiveTimestamp": "1795262404050"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:porchlight-test-provider-events",
        "awsRegion": "us-east-1",
    } for index, body in enumerate(bodies)]}


def handle(event: dict[str, Any]) -> Any:
    return provider_events.handler(event, FakeContext())  # type: ignore[arg-type]


def run(*bodies: str) -> list[str]:
    """The worker on one batch; the ids of the records it reported as failed."""
    answer = handle(batch(*bodies))
    return [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]


def status(message: Message) -> MessageStatus:
    found = repository.get(message.community_id, message.id)
    assert found is not None
    return found.status


def sms_sent() -> list[tuple[str, str]]:
    return list(sns_backends["123456789012"]["us-east-1"].sms_messages.values())


def test_permanent_bounce_marks_bounced_and_suppresses() -> None:
    message = make()
    assert run(envelope(bounce(message))) == []
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.BOUNCED
    assert stored.provider_message_id == SES_ID
    (event,) = [e for e in stored.events if e.type == "BouncePermanent"]
    assert event.at == "2026-11-21T12:00:03.000Z" and event.detail["recipients"] == ["d***@example.com"]
    found = suppressions.get(CID, Channel.EMAIL, "dana@example.com")
    assert found is not None and found.reason == Reason.BOUNCE and found.source == f"message:{message.id}"


def test_suppression_list_bounce_is_permanent_and_transient_is_not() -> None:
    listed, soft = make(to="suppressionlist@simulator.amazonses.com"), make(to="full@example.com")
    assert run(envelope(bounce(listed, subtype="OnAccountSuppressionList")),
               envelope(bounce(soft, "Transient", "MailboxFull"))) == []
    assert status(listed) == MessageStatus.BOUNCED
    assert suppression.blocking_reason(CID, Channel.EMAIL, listed.to, Category.TRANSACTIONAL) == Reason.BOUNCE
    assert status(soft) == MessageStatus.SENT
    assert suppressions.get(CID, Channel.EMAIL, soft.to) is None


def test_complaint_marks_complained_and_suppresses() -> None:
    message = make(status=MessageStatus.DELIVERED)
    assert run(envelope(complaint(message))) == []
    assert status(message) == MessageStatus.COMPLAINED
    found = suppressions.get(CID, Channel.EMAIL, message.to)
    assert found is not None and found.reason == Reason.COMPLAINT


def test_delivery_before_send_still_ends_delivered() -> None:
    message = make(status=MessageStatus.SENDING)
    delivery = ses_event("Delivery", message, {"timestamp": "2026-11-21T12:00:02.000Z", "smtpResponse": "250 ok"})
    assert run(envelope(delivery)) == []
    assert run(envelope(ses_event("Send", message))) == []
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.DELIVERED
    assert {"Delivery", "Send"} <= {e.type for e in stored.events}


def test_reject_and_rendering_failure_fail_the_message() -> None:
    rejected, unrendered = make(), make()
    assert run(envelope(ses_event("Reject", rejected, {"reason": "Bad content"})),
               envelope(ses_event("Rendering Failure", unrendered, {"errorMessage": "no first_name"}))) == []
    assert status(rejected) == status(unrendered) == MessageStatus.FAILED


def test_open_and_click_stamp_the_first_time_only() -> None:
    message = make(status=MessageStatus.DELIVERED)
    opened = ses_event("Open", message, {"timestamp": "2026-11-21T12:30:00.000Z", "ipAddress": "192.0.2.1"})
    later = ses_event("Open", message, {"timestamp": "2026-11-21T15:00:00.000Z"})
    clicked = ses_event("Click", message, {"timestamp": "2026-11-21T12:31:00.000Z", "link": "https://x.example/a?t=1"})
    assert run(envelope(opened), envelope(later), envelope(clicked)) == []
    stored = repository.get(CID, message.id)
    assert stored is not None and stored.status == MessageStatus.DELIVERED
    assert (stored.opened_at, stored.clicked_at) == ("2026-11-21T12:30:00.000Z", "2026-11-21T12:31:00.000Z")


def test_repeated_events_are_idempotent() -> None:
    message = make()
    body = envelope(bounce(message))
    assert run(body, body) == [] and run(body) == []
    assert status(message) == MessageStatus.BOUNCED
    items = suppressions.list_page(CID, channel=Channel.EMAIL, limit=10, after=None)[0]
    assert [(s.address, s.reason) for s in items] == [("dana@example.com", Reason.BOUNCE)]
    assert run(envelope(ses_event("Delivery", message))) == []  # a late delivery never undoes the bounce
    assert status(message) == MessageStatus.BOUNCED


def test_malformed_records_are_dropped_without_failing_their_neighbours() -> None:
    good = make()
    unknown_message = Message(**{**make().model_dump(), "id": ids.new_id()})  # never stored
    answer = run(
        "{not json",
        envelope("{not json either"),
        envelope({"eventType": "Subscription", "mail": {"tags": {"community_id": [CID], "message_id": [good.id]}}}),
        envelope(ses_event("Delivery", good, tags=False)),
        envelope(ses_event("Delivery", unknown_message)),
        json.dumps({"Type": "SubscriptionConfirmation", "Message": "confirm"}),
        envelope(ses_event("Delivery", good, {"timestamp": "2026-11-21T12:00:02.000Z"})),
    )
    assert answer == []
    assert status(good) == MessageStatus.DELIVERED


def test_a_transient_failure_fails_only_its_record(monkeypatch: pytest.MonkeyPatch) -> None:
    unlucky, lucky = make(), make()
    real_get = repository.get

    def flaky_get(community_id: str, message_id: str) -> Message | None:
        if message_id == unlucky.id:
            raise GetError("throttled")
        return real_get(community_id, message_id)

    monkeypatch.setattr(events.repository, "get", flaky_get)
    assert run(envelope(bounce(unlucky)), envelope(bounce(lucky))) == ["sqs-0"]
    assert status(lucky) == MessageStatus.BOUNCED
    monkeypatch.setattr(events.repository, "get", real_get)
    assert run(envelope(bounce(unlucky))) == []  # the retry applies it
    assert status(unlucky) == MessageStatus.BOUNCED


def test_a_batch_that_fails_entirely_is_reported_record_by_record(monkeypatch: pytest.MonkeyPatch) -> None:
    message = make()

    def down(*_: Any) -> None:
        raise GetError("DynamoDB unavailable")

    monkeypatch.setattr(events.repository, "get", down)
    assert run(envelope(bounce(message)), envelope(complaint(message))) == ["sqs-0", "sqs-1"]


def test_stop_suppresses_in_every_community_that_texted_the_number_and_confirms() -> None:
    for community in ("01COMMUNITYA", "01COMMUNITYB"):
        sms_routes.remember_sms_route(community, PHONE)
    sms_routes.remember_sms_route("01COMMUNITYA", PHONE)  # a second SMS: still one route
    sms_routes.remember_sms_route("01COMMUNITYC", "+14255550199")
    assert sorted(sms_routes.recent_sms_communities(PHONE)) == ["01COMMUNITYA", "01COMMUNITYB"]
    assert run(envelope(inbound(" Stop "), topic="SmsInbound")) == []
    for community in ("01COMMUNITYA", "01COMMUNITYB"):
        found = suppressions.get(community, Channel.SMS, PHONE)
        assert found is not None and found.reason == Reason.STOP and found.source == "sms-reply"
    assert suppressions.get("01COMMUNITYC", Channel.SMS, PHONE) is None
    assert sms_sent() == [(PHONE, REPLIES[Keyword.STOP])]


def test_start_lifts_a_stop_but_not_an_admins_block() -> None:
    for community in ("01COMMUNITYA", "01COMMUNITYB"):
        sms_routes.remember_sms_route(community, PHONE)
    suppression.add("01COMMUNITYA", Channel.SMS, PHONE, Reason.STOP, "sms-reply")
    suppression.add("01COMMUNITYB", Channel.SMS, PHONE, Reason.MANUAL, "api:01ADMIN")
    assert run(envelope(inbound("start"), topic="SmsInbound")) == []
    assert suppressions.get("01COMMUNITYA", Channel.SMS, PHONE) is None
    manual = suppressions.get("01COMMUNITYB", Channel.SMS, PHONE)
    assert manual is not None and manual.reason == Reason.MANUAL
    assert sms_sent() == [(PHONE, REPLIES[Keyword.START])]


def test_help_replies_and_anything_else_is_left_alone() -> None:
    sms_routes.remember_sms_route("01COMMUNITYA", PHONE)
    assert run(envelope(inbound("HELP"), topic="SmsInbound"),
               envelope(inbound("see you at the pool"), topic="SmsInbound")) == []
    assert sms_sent() == [(PHONE, REPLIES[Keyword.HELP])]
    assert suppressions.get("01COMMUNITYA", Channel.SMS, PHONE) is None


def test_stop_from_a_number_nobody_texted_is_still_confirmed() -> None:
    assert run(envelope(inbound("STOP", phone="+14255550100"), topic="SmsInbound")) == []
    assert sms_sent() == [("+14255550100", REPLIES[Keyword.STOP])]


def load(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


SAMPLE_CID, SAMPLE_MID = "01JCOMMUNITY0000000000000A", "01JMESSAGE00000000000000A1"


@pytest.mark.parametrize(("name", "expected"), [
    ("sqs-ses-send.json", MessageStatus.SENT),
    ("sqs-ses-delivery.json", MessageStatus.DELIVERED),
    ("sqs-ses-bounce-permanent.json", MessageStatus.BOUNCED),
    ("sqs-ses-bounce-transient.json", MessageStatus.SENDING),
    ("sqs-ses-complaint.json", MessageStatus.COMPLAINED),
    ("sqs-ses-open.json", MessageStatus.SENDING),
    ("sqs-ses-click.json", MessageStatus.SENDING),
    ("sqs-ses-reject.json", MessageStatus.FAILED),
    ("sqs-ses-rendering-failure.json", MessageStatus.FAILED),
    ("sqs-ses-delivery-delay.json", MessageStatus.SENDING),
])
def test_sample_ses_events(name: str, expected: MessageStatus) -> None:
    message = make(SAMPLE_CID, status=MessageStatus.SENDING, message_id=SAMPLE_MID)
    assert handle(load(name)) == {"batchItemFailures": []}
    stored = repository.get(SAMPLE_CID, SAMPLE_MID)
    assert stored is not None and stored.status == expected, name
    assert len(stored.events) == 1 and stored.provider_message_id is not None
    blocked = suppression.blocking_reason(SAMPLE_CID, Channel.EMAIL, message.to, Category.TRANSACTIONAL)
    assert blocked == {MessageStatus.BOUNCED: Reason.BOUNCE, MessageStatus.COMPLAINED: Reason.COMPLAINT}.get(expected)


def test_sample_inbound_stop() -> None:
    sms_routes.remember_sms_route(SAMPLE_CID, "+14255550182")
    assert handle(load("sqs-sms-inbound-stop.json")) == {"batchItemFailures": []}
    assert suppression.blocking_reason(SAMPLE_CID, Channel.SMS, "+14255550182", Category.TRANSACTIONAL) == Reason.STOP
    assert sms_sent() == [("+14255550182", REPLIES[Keyword.STOP])]


def _kept_objects(prefix: str = "provider-notifications/") -> dict[str, str]:
    import boto3

    from shared.platform.settings import settings

    s3, bucket = boto3.client("s3"), settings().require("assets_bucket")
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read().decode() for o in listed}


def test_every_notification_is_kept_raw_and_linked_from_the_message_event() -> None:
    """Seed 004, "persist raw payload": the body as it arrived, one object per message and event, idempotent."""
    message = make()
    body = envelope(bounce(message))
    notification_id = json.loads(body)["MessageId"]
    assert run(body) == [] and run(body) == []  # a redelivery writes the same object again
    key = f"provider-notifications/{CID}/{message.id}/BouncePermanent-{notification_id}.json"
    kept = _kept_objects(f"provider-notifications/{CID}/{message.id}/")
    assert kept == {key: body}
    stored = repository.get(CID, message.id)
    assert stored is not None and [e.detail.get("raw") for e in stored.events if e.type == "BouncePermanent"][0] == key


def test_unreadable_notifications_and_sms_replies_are_kept_too() -> None:
    garbage = envelope("{not json")
    reply = envelope(inbound("HELP"), topic="SmsInbound")
    assert run(garbage, reply) == []
    today = clock.now().date().isoformat()
    kept = _kept_objects()
    unmatched = {k: v for k, v in kept.items() if k.startswith(f"provider-notifications/unmatched/{today}/")}
    sms = {k: v for k, v in kept.items() if k.startswith(f"provider-notifications/sms-inbound/{today}/")}
    assert garbage in unmatched.values() and reply in sms.values()
