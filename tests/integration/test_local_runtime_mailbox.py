"""The dev mailbox and SMS log read what the embedded AWS (moto's server, in this process) recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from infra.local.dev_endpoints import DevEndpoints
from infra.local.embedded_aws import Clients, EmbeddedAws
from infra.local.mailbox import Mailbox

pytestmark = pytest.mark.integration

SENDER = "Porchlight <noreply@porchlight.dev>"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    aws = EmbeddedAws("127.0.0.1", 0)
    url = aws.start()
    yield url
    aws.stop()


@pytest.fixture
def clients(server: str) -> Clients:
    clients = Clients(server)
    clients("ses").verify_domain_identity(Domain="porchlight.dev")
    return clients


@pytest.fixture
def mailbox(clients: Clients) -> Mailbox:
    mailbox = Mailbox()
    mailbox.install_clock()
    return mailbox


def endpoint(dev: DevEndpoints, method: str, path: str) -> tuple[int, Any]:
    answer = dev.answer(method, path)
    assert answer is not None, f"no dev endpoint answers {method} {path}"
    return answer.status, json.loads(answer.body) if answer.body else None


def test_send_email_shows_in_the_mailbox(clients: Clients, mailbox: Mailbox) -> None:
    dev = DevEndpoints(mailbox)
    assert endpoint(dev, "GET", "/_dev/mailbox") == (200, {"items": []})
    sent = clients("ses").send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["dana@example.com"], "CcAddresses": ["eve@example.com"]},
        Message={"Subject": {"Data": "Welcome"},
                 "Body": {"Html": {"Data": "<p>Hello <b>Dana</b></p>"}, "Text": {"Data": "Hello Dana"}}},
    )
    clients("ses").send_email(
        Source="noreply@porchlight.dev", Destination={"ToAddresses": ["sam@example.com"]},
        Message={"Subject": {"Data": "Plain"}, "Body": {"Text": {"Data": "Just text"}}},
    )
    status, body = endpoint(dev, "GET", "/_dev/mailbox")
    assert status == 200
    first, second = body["items"]  # oldest first, newest last
    assert first["id"] == sent["MessageId"]
    assert first["to"] == ["dana@example.com", "eve@example.com"]
    assert first["from"] == SENDER and first["subject"] == "Welcome"
    assert first["html"] == "<p>Hello <b>Dana</b></p>"  # moto keeps one body: the HTML when given
    assert first["headers"]["Subject"] == "Welcome"
    assert first["sent_at"].endswith("Z") and first["sent_at"] <= second["sent_at"]
    assert (second["text"], second["html"], second["to"]) == ("Just text", None, ["sam@example.com"])


def test_raw_email_is_parsed_with_its_headers(clients: Clients, mailbox: Mailbox) -> None:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "Dana <dana@example.com>"
    message["Subject"] = "Reset your password"
    message["X-Porchlight-Template"] = "password-reset"
    message["List-Unsubscribe"] = "<mailto:unsubscribe@porchlight.dev>"
    message.set_content("Reset at https://app/reset?t=abc")
    message.add_alternative("<p>Reset <a href='https://app/reset?t=abc'>here</a></p>", subtype="html")
    sent = clients("ses").send_raw_email(RawMessage={"Data": message.as_bytes()})
    item = mailbox.mail()[-1]
    assert item["id"] == sent["MessageId"]
    assert item["to"] == ["dana@example.com"]
    assert item["from"] == SENDER and item["subject"] == "Reset your password"
    assert item["headers"]["X-Porchlight-Template"] == "password-reset"
    assert item["headers"]["List-Unsubscribe"] == "<mailto:unsubscribe@porchlight.dev>"
    assert item["text"].strip() == "Reset at https://app/reset?t=abc"
    assert "href='https://app/reset?t=abc'" in item["html"]


def test_sesv2_sends_show_too(clients: Clients, mailbox: Mailbox) -> None:
    clients("sesv2").send_email(
        FromEmailAddress="noreply@porchlight.dev", Destination={"ToAddresses": ["v2@example.com"]},
        Content={"Simple": {"Subject": {"Data": "Via v2"}, "Body": {"Html": {"Data": "<div>v2</div>"}}}},
    )
    item = mailbox.mail()[-1]
    assert (item["subject"], item["to"], item["html"]) == ("Via v2", ["v2@example.com"], "<div>v2</div>")


def test_delete_clears_the_mailbox(clients: Clients, mailbox: Mailbox) -> None:
    dev = DevEndpoints(mailbox)
    clients("ses").send_email(Source=SENDER, Destination={"ToAddresses": ["a@example.com"]},
                              Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}})
    assert len(mailbox.mail()) == 1
    assert dev.answer("DELETE", "/_dev/mailbox").status == 204
    assert endpoint(dev, "GET", "/_dev/mailbox") == (200, {"items": []})


def test_sms_to_a_phone_number_shows_in_the_sms_log(clients: Clients, mailbox: Mailbox) -> None:
    dev = DevEndpoints(mailbox)
    assert endpoint(dev, "GET", "/_dev/sms") == (200, {"items": []})
    sent = clients("sns").publish(PhoneNumber="+15555550100", Message="Your code is 123456")
    clients("sns").publish(PhoneNumber="+15555550101", Message="Second")
    status, body = endpoint(dev, "GET", "/_dev/sms")
    assert status == 200
    first, second = body["items"]
    assert first == {"id": sent["MessageId"], "to": "+15555550100", "message": "Your code is 123456",
                     "sent_at": first["sent_at"]}
    assert second["message"] == "Second" and first["sent_at"] <= second["sent_at"]
    assert dev.answer("DELETE", "/_dev/sms").status == 204
    assert mailbox.sms() == []
