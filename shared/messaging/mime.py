"""Composing an email: headers, text and HTML bodies, attachments → the raw MIME bytes SES sends.

Pure: the sender (from the community), the tracking links and the attachment bytes are passed in, so
this module reads nothing and can be tested without AWS. A mail with attachments is multipart/mixed
(the alternative text/HTML body first, then each file); SES refuses a raw message over 10 MB, so a
larger one fails here with the reason instead of at the provider.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol

from shared.messaging.models import Attachment, Message
from shared.platform.channels import Category

MAX_RAW_BYTES = 10 * 1024 * 1024  # SES's limit for a raw message, attachments included (after encoding)


class Unbuildable(Exception):
    """The email cannot be built (a header that cannot be encoded, attachments over the size limit)."""


@dataclass(frozen=True)
class Sender:
    """Who the mail is from, as the community set it up."""

    name: str  # the display name: the community's sender name, or its name
    reply_to: str | None = None
    community_name: str = ""


PLATFORM = Sender(name="Porchlight")  # no community (or a deleted one)


class Links(Protocol):
    """The tracking links a mail carries (`shared.tracking.links` provides them; messaging sits below it)."""

    def unsubscribe_headers(self, community_id: str, message_id: str, address: str) -> dict[str, str]: ...

    def prepare_email_html(self, html: str, community_id: str, message_id: str, *, marketing: bool) -> str: ...

    def unsubscribe_url(self, community_id: str, message_id: str, channel: str, address: str) -> str: ...


def from_address(sender: Sender, domain: str) -> str:
    """`"{name}" <no-reply@{mail domain}>`: only the verified domain sends."""
    return formataddr((sender.name, f"no-reply@{domain}"))


def build(message: Message, sender: Sender, *, domain: str, links: Links,
          files: Sequence[tuple[Attachment, bytes]] = ()) -> EmailMessage:
    """The email of `message` (already rendered), with its attachments' bytes in `files`."""
    mail = EmailMessage()
    mail["From"] = from_address(sender, domain)
    if sender.reply_to:
        mail["Reply-To"] = sender.reply_to
    mail["To"] = message.to
    mail["Subject"] = message.subject or ""
    mail["Message-ID"] = make_msgid(domain=domain)
    mail["X-Porchlight-Community"] = message.community_id
    mail["X-Porchlight-Message"] = message.id
    marketing = message.category == Category.MARKETING
    if marketing:
        for header, value in links.unsubscribe_headers(message.community_id, message.id, message.to).items():
            mail[header] = value
    mail.set_content(message.text or "")
    if message.html:
        html = links.prepare_email_html(message.html, message.community_id, message.id, marketing=marketing)
        mail.add_alternative(html, subtype="html")
    for attachment, data in files:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                            filename=attachment.filename)
    return mail


def raw(message: Message, sender: Sender, *, domain: str, links: Links,
        files: Sequence[tuple[Attachment, bytes]] = ()) -> bytes:
    """The raw MIME bytes; `Unbuildable` when a header cannot be built (a line break in a name stored
    before the API refused them, an address the parser rejects) or the result is over SES's limit."""
    try:
        data = build(message, sender, domain=domain, links=links, files=files).as_bytes()
    except (ValueError, TypeError, LookupError, MessageError) as error:
        raise Unbuildable(f"the email cannot be built: {type(error).__name__}: {error}") from error
    if len(data) > MAX_RAW_BYTES:
        raise Unbuildable(f"the email is {len(data)} bytes with its attachments, over SES's limit of "
                          f"{MAX_RAW_BYTES} bytes")
    return data
