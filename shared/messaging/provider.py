"""Provider notifications parsed into actions: an SQS body in, what to record, suppress or reply out.

Two kinds arrive on the ProviderEvents queue, each wrapped in an SNS envelope (the SNS → SQS
subscription is not raw, so the body is `{"Type": "Notification", "Message": "<json>", ...}`):

- SES event publishing (configuration set → SesEvents topic): `{"eventType", "mail", ...}`.
  Our message is found by the `community_id` / `message_id` message tags the sender sets.
- Two-way SMS (SmsInbound topic): `{"originationNumber", "destinationNumber", "messageBody"}`.
  The community is not in it: the worker expands a keyword to every community that texted the number.

Pure functions only (no AWS, no clock): the worker applies the actions, the tests read them.
Anything no retry can fix raises `Unusable`; the worker logs and drops it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from shared.messaging.models import ProviderEvent, ProviderEventKind
from shared.platform.channels import Channel
from shared.platform.masking import mask_address, mask_email
from shared.suppression.models import Reason

COMMUNITY_TAG = "community_id"
MESSAGE_TAG = "message_id"

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # our ids are ULIDs; anything else did not come from us
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TEXT_LIMIT = 300  # diagnostic codes and error messages kept in a message's history


class Unusable(ValueError):
    """A notification that no retry can apply (malformed, unknown type, not about our message)."""


class Ignored(Unusable):
    """Expected and not ours to act on (e.g. mail sent without outbox tags): logged quietly."""


# --- actions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """Apply a provider event to its message (`shared.messaging.events.record`)."""

    event: ProviderEvent


@dataclass(frozen=True)
class Suppress:
    community_id: str
    channel: Channel
    address: str
    reason: Reason
    source: str


@dataclass(frozen=True)
class LiftStop:
    """START: lift the community's STOP suppression of the number (not a block an admin set)."""

    community_id: str
    phone: str


@dataclass(frozen=True)
class Reply:
    """One SMS back to the sender, from the number they texted."""

    to: str
    origination: str
    text: str


Action = Record | Suppress | LiftStop | Reply


# --- SMS keywords ---------------------------------------------------------------------------------


class Keyword(StrEnum):
    STOP = "STOP"
    START = "START"
    HELP = "HELP"


KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"), Keyword.STOP),
    **dict.fromkeys(("START", "UNSTOP", "YES"), Keyword.START),
    **dict.fromkeys(("HELP", "INFO"), Keyword.HELP),
}

# Carriers expect a confirmation for each of these; the texts stay within one GSM-7 segment.
REPLIES: dict[Keyword, str] = {
    Keyword.STOP: "Porchlight: you will no longer receive texts from your community here. Reply START to resubscribe.",
    Keyword.START: "Porchlight: you are resubscribed to texts from your community. Reply STOP to unsubscribe.",
    Keyword.HELP: "Porchlight community messages. Reply STOP to unsubscribe, START to resubscribe. "
                  "Msg&data rates may apply.",
}


def keyword(body: str) -> Keyword | None:
    """The keyword an SMS body is, if it is exactly one (case, spaces and end punctuation ignored)."""
    return KEYWORDS.get(body.strip().rstrip(".!").strip().upper())


# --- parsed notifications -------------------------------------------------------------------------


@dataclass(frozen=True)
class SesNotification:
    event_type: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class InboundSms:
    phone: str  # who texted (originationNumber)
    our_number: str  # the number they texted (destinationNumber); replies go out from it
    keyword: Keyword | None


Notification = SesNotification | InboundSms


def parse(body: str) -> Notification:
    """An SQS record body (an SNS envelope, or the bare message if raw delivery were on)."""
    outer = _json_object(body, "SQS body")
    if "Type" in outer:
        if outer["Type"] != "Notification":
            raise Ignored(f"SNS {outer['Type']!s:.40} message")
        message = _json_object(outer.get("Message"), "SNS Message")
        sent_at = _timestamp(outer.get("Timestamp"))
    else:
        message, sent_at = outer, None
    if "eventType" in message and isinstance(message.get("mail"), dict):
        return SesNotification(str(message["eventType"]), tuple(ses_actions(message, fallback_at=sent_at)))
    if {"originationNumber", "messageBody"} <= message.keys():
        return inbound_sms(message)
    raise Unusable("neither an SES event nor an inbound SMS")


def _json_object(raw: Any, what: str) -> dict[str, Any]:
    if not isinstance(raw, str):
        raise Unusable(f"{what} is not a string")
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise Unusable(f"{what} is not JSON") from error
    if not isinstance(value, dict):
        raise Unusable(f"{what} is not a JSON object")
    return value


def _timestamp(raw: Any) -> str | None:
    """SES/SNS times normalised to our shape (ISO-8601 UTC, milliseconds, `Z`); None if unreadable."""
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _short(text: Any) -> str:
    """Provider text kept in history: bounded, with any email address in it masked."""
    return _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), str(text or ""))[:_TEXT_LIMIT]


def _tag(mail: dict[str, Any], name: str) -> str:
    values = (mail.get("tags") or {}).get(name)
    value = values[0] if isinstance(values, list) and values else None
    if value is None:
        raise Ignored(f"no {name} tag (not sent by the outbox)")
    if not isinstance(value, str) or not _ID.match(value):
        raise Unusable(f"{name} tag is not one of our ids")
    return value


def _addresses(entries: Any, key: str = "emailAddress") -> list[str]:
    found = []
    for entry in entries or []:
        address = entry.get(key) if isinstance(entry, dict) else entry
        if isinstance(address, str) and "@" in address:
            found.append(address)
    return found


def _masked(addresses: Iterable[str]) -> list[str]:
    return [mask_address(a) for a in addresses]


def _first(entries: Any, key: str) -> str:
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get(key):
            return _short(entry[key])
    return ""


def _link(url: Any) -> str:
    """A clicked link without its query or fragment: those can carry tokens."""
    parts = urlsplit(str(url or ""))
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:_TEXT_LIMIT] if parts.netloc else ""


def _section(message: dict[str, Any], key: str) -> dict[str, Any]:
    section = message.get(key)
    return section if isinstance(section, dict) else {}


def _bounce(bounce: dict[str, Any], mail: dict[str, Any]) -> tuple[ProviderEventKind, dict[str, Any], list[str]]:
    """Permanent, and also Undetermined: SES gave up on the address and could not say why; treating
    it as permanent protects the sending reputation, and an admin can lift the suppression."""
    bounce_type = str(bounce.get("bounceType") or "Undetermined")
    recipients = _addresses(bounce.get("bouncedRecipients")) or _addresses(mail.get("destination"))
    permanent = bounce_type != "Transient"
    detail = {
        "bounce_type": bounce_type,
        "bounce_subtype": str(bounce.get("bounceSubType") or ""),
        "recipients": _masked(recipients),
        "status": _first(bounce.get("bouncedRecipients"), "status"),
        "diagnostic_code": _first(bounce.get("bouncedRecipients"), "diagnosticCode"),
    }
    kind = ProviderEventKind.BOUNCE_PERMANENT if permanent else ProviderEventKind.BOUNCE_TRANSIENT
    return kind, detail, recipients if permanent else []


def _event_kind(event_type: str, message: dict[str, Any], mail: dict[str, Any]) -> tuple[
        ProviderEventKind, str, dict[str, Any], list[tuple[str, Reason]]]:
    """(kind, the event section's key, detail, addresses to suppress with why)."""
    if event_type == "Send":
        return ProviderEventKind.SEND, "send", {}, []
    if event_type == "Delivery":
        delivery = _section(message, "delivery")
        return ProviderEventKind.DELIVERY, "delivery", {
            "smtp_response": _short(delivery.get("smtpResponse")),
            "processing_ms": delivery.get("processingTimeMillis"),
        }, []
    if event_type == "Bounce":
        kind, detail, suppressed = _bounce(_section(message, "bounce"), mail)
        return kind, "bounce", detail, [(a, Reason.BOUNCE) for a in suppressed]
    if event_type == "Complaint":
        complaint = _section(message, "complaint")
        recipients = _addresses(complaint.get("complainedRecipients")) or _addresses(mail.get("destination"))
        return ProviderEventKind.COMPLAINT, "complaint", {
            "feedback_type": str(complaint.get("complaintFeedbackType") or ""),
            "complaint_subtype": str(complaint.get("complaintSubType") or ""),
            "recipients": _masked(recipients),
        }, [(a, Reason.COMPLAINT) for a in recipients]
    if event_type == "Reject":
        return ProviderEventKind.REJECT, "reject", {"reason": _short(_section(message, "reject").get("reason"))}, []
    if event_type == "Rendering Failure":
        failure = _section(message, "failure")
        return ProviderEventKind.RENDERING_FAILURE, "failure", {
            "error": _short(failure.get("errorMessage")), "template": _short(failure.get("templateName")),
        }, []
    if event_type == "DeliveryDelay":
        delay = _section(message, "deliveryDelay")
        return ProviderEventKind.DELIVERY_DELAY, "deliveryDelay", {
            "delay_type": str(delay.get("delayType") or ""),
            "expiration_time": str(delay.get("expirationTime") or ""),
            "recipients": _masked(_addresses(delay.get("delayedRecipients"))),
            "diagnostic_code": _first(delay.get("delayedRecipients"), "diagnosticCode"),
        }, []
    if event_type == "Open":
        return ProviderEventKind.OPEN, "open", {}, []
    if event_type == "Click":
        return ProviderEventKind.CLICK, "click", {"link": _link(_section(message, "click").get("link"))}, []
    raise Unusable(f"unknown SES eventType {event_type[:40]!r}")


def ses_actions(message: dict[str, Any], *, fallback_at: str | None = None) -> list[Action]:
    """The actions of one SES event-publishing record: record the event, suppress bad addresses."""
    mail = _section(message, "mail")
    event_type = str(message.get("eventType"))
    kind, section, detail, suppress = _event_kind(event_type, message, mail)
    community_id, message_id = _tag(mail, COMMUNITY_TAG), _tag(mail, MESSAGE_TAG)
    at = _timestamp(_section(message, section).get("timestamp")) or _timestamp(mail.get("timestamp")) or fallback_at
    if at is None:
        raise Unusable("the event has no readable timestamp")
    provider_id = mail.get("messageId") if isinstance(mail.get("messageId"), str) else None
    event = ProviderEvent(community_id=community_id, message_id=message_id, kind=kind, at=at,
                          provider_message_id=provider_id, detail=detail)
    actions: list[Action] = [Record(event)]
    source = f"message:{message_id}"
    actions += [Suppress(community_id, Channel.EMAIL, address, reason, source) for address, reason in suppress]
    return actions


def inbound_sms(message: dict[str, Any]) -> InboundSms:
    phone, ours, body = message.get("originationNumber"), message.get("destinationNumber"), message.get("messageBody")
    if not isinstance(phone, str) or not _E164.match(phone.strip()):
        raise Unusable("originationNumber is not an E.164 number")
    if not isinstance(body, str):
        raise Unusable("messageBody is not text")
    our_number = ours.strip() if isinstance(ours, str) and _E164.match(ours.strip()) else ""
    return InboundSms(phone=phone.strip(), our_number=our_number, keyword=keyword(body))


def sms_actions(sms: InboundSms, communities: Iterable[str]) -> list[Action]:
    """What a reply does in each community that texted the number, then the one confirmation.

    The confirmation comes last, so a failed write (retried) does not confirm what did not happen.
    """
    if sms.keyword is None:
        return []  # a conversation, not a command: no reply, nothing recorded
    actions: list[Action] = []
    if sms.keyword == Keyword.STOP:
        actions += [Suppress(c, Channel.SMS, sms.phone, Reason.STOP, "sms-reply") for c in communities]
    elif sms.keyword == Keyword.START:
        actions += [LiftStop(c, sms.phone) for c in communities]
    actions.append(Reply(to=sms.phone, origination=sms.our_number, text=REPLIES[sms.keyword]))
    return actions
