"""MIME composition (issue 16, part 5): pure, no AWS. Headers, the alternative body, unsubscribe headers
for marketing only, attachments as multipart/mixed, and SES's 10 MB raw limit as a clear failure."""

from __future__ import annotations

import email
from typing import Any

import pytest

from shared.messaging import mime
from shared.messaging.models import Attachment, Message, MessageStatus
from shared.platform.channels import Category, Channel

pytestmark = pytest.mark.unit

DOMAIN = "mail.example.com"
PDF = Attachment(key="mail-attachments/c1/notice-n1/n4-n1.pdf", filename="n4-n1.pdf", content_type="application/pdf")


class FakeLinks:
    def unsubscribe_headers(self, community_id: str, message_id: str, address: str) -> dict[str, str]:
        return {"List-Unsubscribe": f"<https://x.example/u/{message_id}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}

    def prepare_email_html(self, html: str, community_id: str, message_id: str, *, marketing: bool) -> str:
        return html + ("<img src='https://x.example/o'>" if marketing else "")

    def unsubscribe_url(self, community_id: str, message_id: str, channel: str, address: str) -> str:
        return "https://x.example/u"


def message(**changes: Any) -> Message:
    fields: dict[str, Any] = dict(id="m1", community_id="c1", channel=Channel.EMAIL, category=Category.TRANSACTIONAL,
                                  to="ann@example.com", status=MessageStatus.QUEUED, subject="Your notice",
                                  text="Hello", html="<p>Hello</p>", created_at="2026-12-02T10:00:00Z",
                                  updated_at="2026-12-02T10:00:00Z")
    fields.update(changes)
    return Message(**fields)


def parse(data: bytes) -> email.message.Message:
    return email.message_from_bytes(data)


def test_headers_name_the_community_sender_and_the_message() -> None:
    sender = mime.Sender(name="Oak Park Board", reply_to="board@oakpark.example.com")
    mail = parse(mime.raw(message(), sender, domain=DOMAIN, links=FakeLinks()))
    assert mail["From"] == f"Oak Park Board <no-reply@{DOMAIN}>"
    assert mail["Reply-To"] == "board@oakpark.example.com"
    assert (mail["To"], mail["Subject"], mail["X-Porchlight-Message"]) == ("ann@example.com", "Your notice", "m1")
    assert mail.get_content_type() == "multipart/alternative"
    assert "List-Unsubscribe" not in mail  # transactional


def test_marketing_carries_unsubscribe_headers_and_tracked_html() -> None:
    mail = parse(mime.raw(message(category=Category.MARKETING), mime.PLATFORM, domain=DOMAIN, links=FakeLinks()))
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html")
    assert "x.example/o" in str(html.get_payload(decode=True))


def test_attachments_make_a_mixed_message_with_the_bytes_intact() -> None:
    data = b"%PDF-1.4\n" + bytes(range(256)) * 40
    mail = parse(mime.raw(message(attachments=(PDF,)), mime.PLATFORM, domain=DOMAIN, links=FakeLinks(),
                          files=[(PDF, data)]))
    assert mail.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in mail.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"]
    part = next(p for p in mail.walk() if p.get_content_type() == "application/pdf")
    assert part.get_filename() == "n4-n1.pdf"
    assert part.get_payload(decode=True) == data


def test_over_ses_raw_limit_fails_with_the_reason() -> None:
    big = b"%PDF" + b"\0" * (8 * 1024 * 1024)  # base64 grows it by a third: over 10 MB
    with pytest.raises(mime.Unbuildable, match="over SES's limit"):
        mime.raw(message(attachments=(PDF,)), mime.PLATFORM, domain=DOMAIN, links=FakeLinks(), files=[(PDF, big)])


def test_just_under_the_limit_is_built() -> None:
    fits = b"%PDF" + b"\0" * (7 * 1024 * 1024)  # ~9.4 MB once encoded
    assert len(mime.raw(message(), mime.PLATFORM, domain=DOMAIN, links=FakeLinks(), files=[(PDF, fits)])) <= \
        mime.MAX_RAW_BYTES


def test_a_header_that_cannot_be_encoded_is_unbuildable() -> None:
    with pytest.raises(mime.Unbuildable, match="cannot be built"):
        mime.raw(message(), mime.Sender(name="Oak\r\nBcc: x@evil.example"), domain=DOMAIN, links=FakeLinks())
