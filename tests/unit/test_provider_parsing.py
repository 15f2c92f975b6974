"""Provider notifications → actions: every SES event shape, SMS keywords, and what is dropped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shared.messaging import provider
from shared.messaging.models import ProviderEventKind
from shared.messaging.provider import Keyword, LiftStop, Record, Reply, SesNotification, Suppress
from shared.platform.channels import Channel
from shared.suppression.models import Reason

pytestmark = pytest.mark.unit

EVENTS = Path(__file__).parents[2] / "events"
CID, MID = "01JCOMMUNITY0000000000000A", "01JMESSAGE00000000000000A1"
SES_ID = "010001932a1b2c3d-5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f-000000"


def sample_body(name: str) -> str:
    return str(json.loads((EVENTS / f"{name}.json").read_text())["Records"][0]["body"])


def inner(name: str) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(json.loads(sample_body(name))["Message"])
    return message


def wrap(message: dict[str, Any], **envelope: Any) -> str:
    return json.dumps({"Type": "Notification", "MessageId": "m-1", "Timestamp": "2026-11-21T12:00:09.000Z",
                       "Message": json.dumps(message), **envelope})


def ses(body: str) -> tuple[Record, list[Suppress]]:
    parsed = provider.parse(body)
    assert isinstance(parsed, SesNotification)
    record, *rest = parsed.actions
    assert isinstance(record, Record) and all(isinstance(a, Suppress) for a in rest)
    assert record.event.community_id == CID and record.event.message_id == MID
    assert record.event.provider_message_id == SES_ID
    return record, rest  # type: ignore[return-value]


@pytest.mark.parametrize(("name", "kind", "at"), [
    ("sqs-ses-send", ProviderEventKind.SEND, "2026-11-21T12:00:00.120Z"),
    ("sqs-ses-delivery", ProviderEventKind.DELIVERY, "2026-11-21T12:00:02.345Z"),
    ("sqs-ses-bounce-transient", ProviderEventKind.BOUNCE_TRANSIENT, "2026-11-21T12:05:00.000Z"),
    ("sqs-ses-open", ProviderEventKind.OPEN, "2026-11-21T12:30:00.000Z"),
    ("sqs-ses-click", ProviderEventKind.CLICK, "2026-11-21T12:31:00.000Z"),
    ("sqs-ses-reject", ProviderEventKind.REJECT, "2026-11-21T12:00:00.120Z"),
    ("sqs-ses-rendering-failure", ProviderEventKind.RENDERING_FAILURE, "2026-11-21T12:00:00.120Z"),
    ("sqs-ses-delivery-delay", ProviderEventKind.DELIVERY_DELAY, "2026-11-21T12:15:00.000Z"),
])
def test_events_that_only_record(name: str, kind: ProviderEventKind, at: str) -> None:
    record, suppress = ses(sample_body(name))
    assert record.event.kind == kind and record.event.at == at
    assert suppress == []


def test_details_are_small_and_masked() -> None:
    details = {name: ses(sample_body(name))[0].event.detail for name in (
        "sqs-ses-delivery", "sqs-ses-bounce-transient", "sqs-ses-click", "sqs-ses-reject",
        "sqs-ses-rendering-failure", "sqs-ses-delivery-delay", "sqs-ses-send", "sqs-ses-open")}
    assert details["sqs-ses-send"] == {} and details["sqs-ses-open"] == {}  # no IP or user agent kept
    assert details["sqs-ses-delivery"]["processing_ms"] == 2225
    assert details["sqs-ses-bounce-transient"]["bounce_subtype"] == "MailboxFull"
    assert details["sqs-ses-bounce-transient"]["recipients"] == ["d***@example.com"]
    assert details["sqs-ses-click"] == {"link": "https://willowcreek.example.com/pool"}  # no query: tokens
    assert details["sqs-ses-reject"] == {"reason": "Bad content"}
    assert details["sqs-ses-rendering-failure"]["template"] == "pool-closure"
    assert details["sqs-ses-delivery-delay"]["delay_type"] == "TransientCommunicationFailure"
    for detail in details.values():
        assert "dana@example.com" not in json.dumps(detail)


def test_permanent_bounce_records_and_suppresses_the_recipient() -> None:
    record, suppress = ses(sample_body("sqs-ses-bounce-permanent"))
    assert record.event.kind == ProviderEventKind.BOUNCE_PERMANENT
    assert record.event.detail["diagnostic_code"] == (
        "smtp; 550 5.1.1 <d***@example.com>: Recipient address rejected: User unknown")
    assert record.event.detail["status"] == "5.1.1"
    assert suppress == [Suppress(CID, Channel.EMAIL, "dana@example.com", Reason.BOUNCE, f"message:{MID}")]


@pytest.mark.parametrize(("bounce_type", "subtype"), [
    ("Permanent", "OnAccountSuppressionList"), ("Permanent", "Suppressed"), ("Undetermined", "Undetermined")])
def test_suppression_list_and_undetermined_bounces_are_permanent(bounce_type: str, subtype: str) -> None:
    message = inner("sqs-ses-bounce-permanent")
    message["bounce"].update(bounceType=bounce_type, bounceSubType=subtype)
    record, suppress = ses(wrap(message))
    assert record.event.kind == ProviderEventKind.BOUNCE_PERMANENT
    assert [s.reason for s in suppress] == [Reason.BOUNCE]


def test_complaint_records_and_suppresses() -> None:
    record, suppress = ses(sample_body("sqs-ses-complaint"))
    assert record.event.kind == ProviderEventKind.COMPLAINT
    assert record.event.detail == {"feedback_type": "abuse", "complaint_subtype": "",
                                   "recipients": ["d***@example.com"]}
    assert suppress == [Suppress(CID, Channel.EMAIL, "dana@example.com", Reason.COMPLAINT, f"message:{MID}")]


def test_a_bounce_without_recipients_falls_back_to_the_destination() -> None:
    message = inner("sqs-ses-bounce-permanent")
    del message["bounce"]["bouncedRecipients"]
    _, suppress = ses(wrap(message))
    assert [s.address for s in suppress] == ["dana@example.com"]


def test_times_are_normalised_and_fall_back_to_the_mail_then_the_envelope() -> None:
    message = inner("sqs-ses-delivery")
    message["delivery"]["timestamp"] = "2026-11-21T12:00:02+00:00"
    assert ses(wrap(message))[0].event.at == "2026-11-21T12:00:02.000Z"
    del message["delivery"]["timestamp"]
    assert ses(wrap(message))[0].event.at == "2026-11-21T12:00:00.120Z"
    del message["mail"]["timestamp"]
    assert ses(wrap(message))[0].event.at == "2026-11-21T12:00:09.000Z"


def test_a_raw_delivery_body_is_understood_too() -> None:
    record, _ = ses(json.dumps(inner("sqs-ses-send")))
    assert record.event.kind == ProviderEventKind.SEND


def _without_tags(message: dict[str, Any]) -> dict[str, Any]:
    message["mail"]["tags"] = {"ses:configuration-set": ["porchlight-dev"]}
    return message


@pytest.mark.parametrize(("body", "error"), [
    ("not json", provider.Unusable),
    ("[1, 2]", provider.Unusable),
    (json.dumps({"Type": "Notification", "Message": "{oops"}), provider.Unusable),
    (json.dumps({"Type": "Notification", "Message": 42}), provider.Unusable),
    (json.dumps({"Type": "SubscriptionConfirmation", "Message": "You have chosen to subscribe"}), provider.Ignored),
    (wrap({"hello": "world"}), provider.Unusable),
    (wrap({"eventType": "Subscription", "mail": {"tags": {"community_id": [CID], "message_id": [MID]}}}),
     provider.Unusable),
    (wrap(_without_tags(inner("sqs-ses-delivery"))), provider.Ignored),
    (wrap({**inner("sqs-ses-send"), "mail": {**inner("sqs-ses-send")["mail"],
                                              "tags": {"community_id": ["a#b"], "message_id": [MID]}}}),
     provider.Unusable),
], ids=["not-json", "not-object", "bad-inner-json", "inner-not-string", "subscription-confirmation", "unknown-shape",
        "unknown-event-type", "no-tags", "foreign-tag"])
def test_what_cannot_apply_raises(body: str, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        provider.parse(body)
    assert isinstance(raised.value, provider.Ignored) == (error is provider.Ignored)  # logged quietly or not


def sms(body: str, phone: str = "+14255550182") -> str:
    return wrap({"originationNumber": phone, "destinationNumber": "+12125550101", "messageBody": body,
                 "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84"})


@pytest.mark.parametrize(("body", "expected"), [
    *[(word, Keyword.STOP) for word in ("STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel", "END", "quit")],
    *[(word, Keyword.START) for word in ("START", "unstop", "Yes")],
    *[(word, Keyword.HELP) for word in ("HELP", "info", "Help!")],
    *[(word, None) for word in ("please stop", "Thanks!", "", "STOP IT", "stopp")],
])
def test_sms_keywords(body: str, expected: Keyword | None) -> None:
    parsed = provider.parse(sms(body))
    assert isinstance(parsed, provider.InboundSms)
    assert parsed.keyword == expected and parsed.phone == "+14255550182" and parsed.our_number == "+12125550101"


def test_sample_inbound_stop() -> None:
    parsed = provider.parse(sample_body("sqs-sms-inbound-stop"))
    assert isinstance(parsed, provider.InboundSms) and parsed.keyword == Keyword.STOP


def test_stop_suppresses_in_every_community_then_confirms_once() -> None:
    parsed = provider.parse(sms("stop"))
    assert isinstance(parsed, provider.InboundSms)
    actions = provider.sms_actions(parsed, ["c1", "c2"])
    assert actions == [
        Suppress("c1", Channel.SMS, "+14255550182", Reason.STOP, "sms-reply"),
        Suppress("c2", Channel.SMS, "+14255550182", Reason.STOP, "sms-reply"),
        Reply("+14255550182", "+12125550101", provider.REPLIES[Keyword.STOP]),
    ]
    assert provider.sms_actions(parsed, []) == [actions[-1]]  # the confirmation is owed regardless


def test_start_help_and_chatter() -> None:
    start, help_, chatter = (provider.parse(sms(body)) for body in ("START", "HELP", "see you at the pool"))
    assert isinstance(start, provider.InboundSms) and isinstance(help_, provider.InboundSms)
    assert isinstance(chatter, provider.InboundSms)
    assert provider.sms_actions(start, ["c1"]) == [
        LiftStop("c1", "+14255550182"), Reply("+14255550182", "+12125550101", provider.REPLIES[Keyword.START])]
    assert provider.sms_actions(help_, ["c1"]) == [
        Reply("+14255550182", "+12125550101", provider.REPLIES[Keyword.HELP])]
    assert provider.sms_actions(chatter, ["c1"]) == []
    assert all(len(text) <= 160 for text in provider.REPLIES.values())  # one SMS segment each


@pytest.mark.parametrize("phone", ["", "4255550182", "+0123", "+1 425 555", 42])
def test_an_inbound_sms_needs_an_e164_sender(phone: Any) -> None:
    with pytest.raises(provider.Unusable):
        provider.parse(wrap({"originationNumber": phone, "destinationNumber": "+12125550101", "messageBody": "STOP"}))
