"""Mail and SMS "sent" through the embedded AWS, read back from moto's in-process backends.

The moto server runs in this process, so what SES and SNS recorded is plain Python state:
`ses_backends[...].sent_messages` (SendEmail, SendRawEmail, templated sends, SES v2 too) and
`sns_backends[...].sms_messages`. moto keeps no send time, so `install_clock()` swaps those
containers for ones that stamp each entry when it is added; anything recorded before that (or
after a moto reset recreated the backend) gets the time it was first seen here.
"""

from __future__ import annotations

import email
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses
from typing import Any

from moto.ses.models import RawMessage, SESBackend, ses_backends
from moto.sns.models import SNSBackend, sns_backends

from infra.local.config import ACCOUNT_ID, REGION

Clock = Callable[[], float]


class _StampedList(list[Any]):
    """moto's `sent_messages`, remembering when each message was appended."""

    def __init__(self, items: list[Any], clock: Clock) -> None:
        super().__init__(items)
        self.clock = clock
        self.stamps: dict[int, float] = {}

    def append(self, item: Any) -> None:
        self.stamps[id(item)] = self.clock()
        super().append(item)


class _StampedDict(OrderedDict[str, Any]):
    """moto's `sms_messages` (id -> (phone, message)), remembering when each was added."""

    def __init__(self, items: OrderedDict[str, Any], clock: Clock) -> None:
        self.clock = clock
        self.stamps: dict[str, float] = {}
        super().__init__(items)  # calls __setitem__, which needs the two attributes above

    def __setitem__(self, key: str, value: Any) -> None:
        self.stamps.setdefault(key, self.clock())
        super().__setitem__(key, value)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _addresses(values: list[str]) -> list[str]:
    seen: list[str] = []
    for _, address in getaddresses(values):
        if address and address not in seen:
            seen.append(address)
    return seen


def _looks_like_html(body: str) -> bool:
    lowered = body.lower()
    return "<html" in lowered or "<body" in lowered or "<p" in lowered or "<div" in lowered or "<br" in lowered


def _parse_raw(raw: str) -> tuple[dict[str, str], str | None, str | None]:
    message = email.message_from_string(raw, policy=default_policy)
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else str(value)
    html = text = None
    if isinstance(message, EmailMessage):
        html_part = message.get_body(preferencelist=("html",))
        text_part = message.get_body(preferencelist=("plain",))
        html = html_part.get_content() if html_part is not None else None
        text = text_part.get_content() if text_part is not None else None
    return headers, html, text


def _render_template(backend: SESBackend, template_name: str, data: str) -> tuple[str, str | None, str | None]:
    from moto.ses.template import parse_template

    template = backend.templates.get(template_name) or {}
    values = json.loads(data or "{}")
    subject = parse_template(str(template.get("subject_part", "")), values)
    html = parse_template(str(template["html_part"]), values) if template.get("html_part") else None
    text = parse_template(str(template["text_part"]), values) if template.get("text_part") else None
    return subject, html, text


class Mailbox:
    """What SES and SNS (SMS) sent in one account and region of the embedded AWS."""

    def __init__(self, account_id: str = ACCOUNT_ID, region: str = REGION, clock: Clock = time.time) -> None:
        self._account_id = account_id
        self._region = region
        self._clock = clock
        self._first_seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def _ses(self) -> SESBackend:
        return ses_backends[self._account_id][self._region]

    def _sns(self) -> SNSBackend:
        return sns_backends[self._account_id][self._region]

    def install_clock(self) -> None:
        """Stamp sends from now on with their time (call once the backends are in place)."""
        ses, sns = self._ses(), self._sns()
        if not isinstance(ses.sent_messages, _StampedList):
            ses.sent_messages = _StampedList(list(ses.sent_messages), self._clock)
        if not isinstance(sns.sms_messages, _StampedDict):
            sns.sms_messages = _StampedDict(OrderedDict(sns.sms_messages), self._clock)

    def _sent_at(self, key: str, stamps: dict[Any, float], stamp_key: Any) -> str:
        with self._lock:
            stamped = stamps.get(stamp_key)
            if stamped is None:
                stamped = self._first_seen.setdefault(key, self._clock())
            return _iso(stamped)

    def mail(self) -> list[dict[str, Any]]:
        """Every mail sent, oldest first, as `{id, to, from, subject, html, text, headers, sent_at}`."""
        return self.mail_from(0)[0]

    def mail_from(self, start: int) -> tuple[list[dict[str, Any]], int]:
        """The mail sent since moto's `start`-th send (all of it if moto's record was cleared since), and
        where the next look starts: so a watcher parses each mail once, not the whole record every time."""
        backend = self._ses()
        messages = list(backend.sent_messages)
        stamps: dict[int, float] = getattr(backend.sent_messages, "stamps", {})
        items: list[dict[str, Any]] = []
        for message in messages[start if start <= len(messages) else 0:]:
            items.extend(self._mail_items(backend, message, stamps))
        return items, len(messages)

    def _mail_items(self, backend: SESBackend, message: Any, stamps: dict[int, float]) -> list[dict[str, Any]]:
        if isinstance(message, RawMessage):
            headers, html, text = _parse_raw(message.raw_data)
            recipients = _addresses(list(message.destinations))
            return [self._item(message.id, recipients, headers.get("From") or message.source,
                               headers.get("Subject", ""), html, text, headers, stamps, message)]
        if hasattr(message, "ids"):  # a bulk templated send: one mail per destination
            items = []
            for index, (message_id, destination) in enumerate(zip(message.ids, message.destinations, strict=False)):
                data = destination.get("ReplacementTemplateData") or message.template_data
                subject, html, text = _render_template(backend, message.template, data)
                recipients = _addresses(_destination_list(destination.get("Destination", {})))
                items.append(self._item(message_id, recipients, message.source, subject, html, text,
                                        {"X-Bulk-Index": str(index)}, stamps, message))
            return items
        recipients = _addresses(_destination_list(message.destinations))
        if hasattr(message, "template"):
            subject, html, text = _render_template(backend, message.template, message.template_data)
        else:
            subject, body = message.subject, message.body
            html, text = (body, None) if _looks_like_html(body) else (None, body)
        headers = {"From": message.source, "To": ", ".join(recipients), "Subject": subject}
        return [self._item(message.id, recipients, message.source, subject, html, text, headers, stamps, message)]

    def _item(
        self, message_id: str, to: list[str], sender: str, subject: str, html: str | None, text: str | None,
        headers: dict[str, str], stamps: dict[int, float], message: Any,
    ) -> dict[str, Any]:
        return {
            "id": message_id,
            "to": to,
            "from": sender,
            "subject": subject,
            "html": html,
            "text": text,
            "headers": headers,
            "sent_at": self._sent_at(message_id, stamps, id(message)),
        }

    def clear_mail(self) -> None:
        self._ses().sent_messages.clear()
        getattr(self._ses().sent_messages, "stamps", {}).clear()

    def sms(self) -> list[dict[str, Any]]:
        """Every SMS published to a phone number, oldest first, as `{id, to, message, sent_at}`."""
        messages = self._sns().sms_messages
        stamps: dict[str, float] = getattr(messages, "stamps", {})
        return [
            {"id": message_id, "to": phone, "message": text, "sent_at": self._sent_at(message_id, stamps, message_id)}
            for message_id, (phone, text) in list(messages.items())
        ]

    def clear_sms(self) -> None:
        self._sns().sms_messages.clear()
        getattr(self._sns().sms_messages, "stamps", {}).clear()


def _destination_list(destinations: Any) -> list[str]:
    if isinstance(destinations, dict):
        return [
            address
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            for address in destinations.get(key, []) or []
        ]
    return [str(d) for d in destinations or []]
