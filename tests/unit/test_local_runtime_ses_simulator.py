"""The SES simulator's pure parts: which address does what, the tags a mail carries, the records' shape."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.ses_simulator import Outcome, configuration_set_of, events_for, message_tags, outcome

pytestmark = pytest.mark.unit


def mail(to: list[str], **headers: str) -> dict[str, Any]:
    return {"id": "0100-abc", "to": to, "from": "Oak Park <no-reply@porchlight.dev>", "subject": "Pool closed",
            "headers": {"From": "Oak Park <no-reply@porchlight.dev>", "Subject": "Pool closed", **headers},
            "sent_at": "2026-11-21T12:00:00.000Z"}


@pytest.mark.parametrize(("address", "expected"), [
    ("success@simulator.amazonses.com", Outcome.DELIVERED),
    ("success+label@simulator.amazonses.com", Outcome.DELIVERED),
    ("bounce+1@simulator.amazonses.com", Outcome.BOUNCED),
    ("COMPLAINT@SIMULATOR.AMAZONSES.COM", Outcome.COMPLAINED),
    ("suppressionlist@simulator.amazonses.com", Outcome.SUPPRESSED),
    ("ooto@simulator.amazonses.com", Outcome.DELIVERED),
    ("bounce@example.com", Outcome.DELIVERED),
])
def test_outcome(address: str, expected: Outcome) -> None:
    assert outcome(address) == expected


def test_tags_prefer_the_ses_header_then_the_outbox_headers() -> None:
    assert message_tags(mail([], **{"X-SES-MESSAGE-TAGS": "community_id=01C, message_id=01M"})) == {
        "community_id": "01C", "message_id": "01M"}
    assert message_tags(mail([], **{"X-Porchlight-Community": "01C", "X-Porchlight-Message": "01M"})) == {
        "community_id": "01C", "message_id": "01M"}
    assert message_tags(mail([])) == {}


def test_the_configuration_set_header_wins_over_the_identity_default() -> None:
    assert configuration_set_of(mail([]), "porchlight-local") == "porchlight-local"
    assert configuration_set_of(mail([], **{"x-ses-configuration-set": "other"}), "porchlight-local") == "other"


def test_records_have_ses_shape() -> None:
    events = events_for(mail(["complaint@simulator.amazonses.com", "bounce@simulator.amazonses.com"],
                             **{"X-Porchlight-Community": "01C", "X-Porchlight-Message": "01M"}),
                        "porchlight-local", now=1795262405.0)
    assert [e["eventType"] for e in events] == ["Send", "Delivery", "Bounce", "Complaint"]
    send, delivery, bounce, complaint = events
    assert send["send"] == {} and send["mail"]["tags"]["community_id"] == ["01C"]
    assert send["mail"]["sourceArn"] == "arn:aws:ses:us-east-1:123456789012:identity/porchlight.dev"
    assert send["mail"]["commonHeaders"]["subject"] == "Pool closed"
    assert delivery["delivery"]["recipients"] == ["complaint@simulator.amazonses.com"]
    assert delivery["delivery"]["processingTimeMillis"] >= 0
    assert bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] == "bounce@simulator.amazonses.com"
    assert complaint["complaint"]["complainedRecipients"] == [{"emailAddress": "complaint@simulator.amazonses.com"}]
    assert complaint["complaint"]["timestamp"].endswith("Z")
