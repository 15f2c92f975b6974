"""SES event publishing and the SES mailbox simulator, locally: the events SES would send for each mail.

moto records what was sent but publishes no events. This thread watches moto's sent mail (through
the dev `Mailbox`) and, for each new mail sent with a configuration set that has an enabled SNS
event destination, publishes to that topic the event-publishing records SES would, in its JSON
shape: `Send`, then per recipient what the mailbox simulator answers —

- `success@simulator.amazonses.com` (also `success+label@…`): `Delivery`
- `bounce@…`: `Bounce` Permanent/General
- `complaint@…`: `Delivery`, then `Complaint`
- `suppressionlist@…`: `Bounce` Permanent/OnAccountSuppressionList
- any other address: `Delivery` (it is in the dev mailbox; nothing leaves the machine)

Which configuration set: the `X-SES-CONFIGURATION-SET` header, else the domain identity's default
(ours, as the stack sets it). Message tags: the `X-SES-MESSAGE-TAGS` header, else — because moto
drops the `Tags` and `ConfigurationSetName` parameters of SendRawEmail — the outbox's own
`X-Porchlight-Community` / `X-Porchlight-Message` headers become the `community_id` /
`message_id` tags the sender passes in AWS.

SES's maximum send rate, which moto does not have, is enforced in front of moto by `SesRateGate`:
a send above `SES_MAX_SEND_RATE` (the same setting the workers pace by) is answered
`Throttling: Maximum sending rate exceeded.` and not recorded, as SES answers it. SES tolerates
short bursts; so does the gate (a token bucket holding one second of the rate).
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from moto.ses.models import ses_backends

from infra.local.background import Background
from infra.local.config import ACCOUNT_ID, REGION
from infra.local.mailbox import Mailbox

log = logging.getLogger("infra.local.ses")

SIMULATOR_DOMAIN = "simulator.amazonses.com"
REPORTING_MTA = "a8-30.smtp-out.amazonses.com"
CONFIGURATION_SET_HEADER = "x-ses-configuration-set"
TAGS_HEADER = "x-ses-message-tags"
FALLBACK_TAG_HEADERS = {"x-porchlight-community": "community_id", "x-porchlight-message": "message_id"}

# eventType -> the name the configuration set's MatchingEventTypes uses.
DESTINATION_TYPES = {"Send": "send", "Delivery": "delivery", "Bounce": "bounce", "Complaint": "complaint"}


class Outcome(StrEnum):
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    SUPPRESSED = "suppressed"
    COMPLAINED = "complained"


_SIMULATED = {"success": Outcome.DELIVERED, "bounce": Outcome.BOUNCED, "complaint": Outcome.COMPLAINED,
              "suppressionlist": Outcome.SUPPRESSED}


def outcome(address: str) -> Outcome:
    """What the mailbox simulator does with an address (`+label` ignored); others are delivered."""
    local, _, domain = address.strip().lower().rpartition("@")
    if domain != SIMULATOR_DOMAIN:
        return Outcome.DELIVERED
    return _SIMULATED.get(local.split("+", 1)[0], Outcome.DELIVERED)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def configuration_set_of(mail: dict[str, Any], default: str) -> str:
    return (_header(mail["headers"], CONFIGURATION_SET_HEADER) or default).strip()


def message_tags(mail: dict[str, Any]) -> dict[str, str]:
    """The mail's own tags: `X-SES-MESSAGE-TAGS: a=1, b=2`, else the outbox's community/message headers."""
    raw = _header(mail["headers"], TAGS_HEADER)
    if raw:
        pairs = (part.split("=", 1) for part in raw.split(",") if "=" in part)
        return {name.strip(): value.strip() for name, value in pairs}
    return {tag: value.strip() for header, tag in FALLBACK_TAG_HEADERS.items()
            if (value := _header(mail["headers"], header))}


def _domain(address: str) -> str:
    return address.rpartition("@")[2].rstrip(">").strip()


def mail_object(mail: dict[str, Any], configuration_set: str, account_id: str = ACCOUNT_ID,
                region: str = REGION) -> dict[str, Any]:
    """The `mail` member every SES event record carries."""
    tags = {
        "ses:configuration-set": [configuration_set],
        "ses:source-ip": ["127.0.0.1"],
        "ses:from-domain": [_domain(mail["from"])],
        "ses:caller-identity": ["porchlight-local"],
        **{name: [value] for name, value in message_tags(mail).items()},
    }
    return {
        "timestamp": mail["sent_at"],
        "source": mail["from"],
        "sourceArn": f"arn:aws:ses:{region}:{account_id}:identity/{_domain(mail['from'])}",
        "sendingAccountId": account_id,
        "messageId": mail["id"],
        "destination": list(mail["to"]),
        "headersTruncated": False,
        "headers": [{"name": name, "value": value} for name, value in mail["headers"].items()],
        "commonHeaders": {"from": [mail["from"]], "to": list(mail["to"]), "messageId": mail["id"],
                          "subject": mail["subject"]},
        "tags": tags,
    }


def _feedback_id() -> str:
    return f"{uuid.uuid4().hex[:16]}-{uuid.uuid4()}-000000"


def _bounce(mail: dict[str, Any], recipients: list[str], subtype: str, at: str) -> dict[str, Any]:
    diagnostic = ("Amazon SES did not send the message to this address because it is on the suppression list "
                  "for your account." if subtype == "OnAccountSuppressionList" else "smtp; 550 5.1.1 user unknown")
    return {"eventType": "Bounce", "mail": mail, "bounce": {
        "bounceType": "Permanent", "bounceSubType": subtype,
        "bouncedRecipients": [{"emailAddress": r, "action": "failed", "status": "5.1.1", "diagnosticCode": diagnostic}
                              for r in recipients],
        "timestamp": at, "feedbackId": _feedback_id(), "reportingMTA": f"dsn; {REPORTING_MTA}",
    }}


def events_for(mail: dict[str, Any], configuration_set: str, now: float) -> list[dict[str, Any]]:
    """The event records SES would publish for one mail, in the order it would."""
    common = mail_object(mail, configuration_set)
    at = _iso(now)
    by_outcome: dict[Outcome, list[str]] = {}
    for address in mail["to"]:
        by_outcome.setdefault(outcome(address), []).append(address)
    events: list[dict[str, Any]] = [{"eventType": "Send", "mail": common, "send": {}}]
    delivered = by_outcome.get(Outcome.DELIVERED, []) + by_outcome.get(Outcome.COMPLAINED, [])
    if delivered:
        sent = datetime.fromisoformat(mail["sent_at"].replace("Z", "+00:00")).timestamp()
        delivery_mail = {**common, "tags": {**common["tags"], "ses:outgoing-ip": ["127.0.0.1"]}}
        events.append({"eventType": "Delivery", "mail": delivery_mail, "delivery": {
            "timestamp": at, "processingTimeMillis": max(0, round((now - sent) * 1000)), "recipients": delivered,
            "smtpResponse": "250 2.6.0 Message received", "reportingMTA": REPORTING_MTA,
        }})
    if by_outcome.get(Outcome.BOUNCED):
        events.append(_bounce(common, by_outcome[Outcome.BOUNCED], "General", at))
    if by_outcome.get(Outcome.SUPPRESSED):
        events.append(_bounce(common, by_outcome[Outcome.SUPPRESSED], "OnAccountSuppressionList", at))
    if by_outcome.get(Outcome.COMPLAINED):
        events.append({"eventType": "Complaint", "mail": common, "complaint": {
            "complainedRecipients": [{"emailAddress": r} for r in by_outcome[Outcome.COMPLAINED]],
            "timestamp": at, "feedbackId": _feedback_id(), "userAgent": "Amazon SES Mailbox Simulator",
            "complaintFeedbackType": "abuse", "arrivalDate": at,
        }})
    return events


class SesSimulator(Background):
    """Publishes SES's events for mail moto recorded (see module doc); `publish_new()` is one pass."""

    def __init__(
        self,
        mailbox: Mailbox,
        sns: Any,
        default_configuration_set: str,
        stop: threading.Event,
        *,
        poll_s: float = 0.2,
        account_id: str = ACCOUNT_ID,
        region: str = REGION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(name="ses-simulator")
        self._mailbox = mailbox
        self._sns = sns
        self._default = default_configuration_set
        self._stopping = stop
        self._poll_s = poll_s
        self._account_id = account_id
        self._region = region
        self._clock = clock
        self._seen: set[str] = set()
        self._recorded = -1  # moto's sent-message count at the last look: unchanged, nothing to do
        self._next = 0  # where the mail not handled yet starts in moto's record
        self.published = 0

    def run(self) -> None:
        while not self._stopping.wait(self._poll_s):
            try:
                self.publish_new()
            except (BotoCoreError, ClientError):
                if self._stopping.is_set():
                    return
                log.exception("publishing SES events failed; retrying")

    def _destination(self, configuration_set: str) -> tuple[str, set[str]] | None:
        """The SNS topic of the configuration set's enabled event destination and its event types."""
        backend = ses_backends[self._account_id][self._region]
        destination = backend.config_set_event_destination.get(configuration_set) or {}
        topic = (destination.get("SNSDestination") or {}).get("TopicARN")
        if not destination.get("Enabled", False) or not topic:
            return None
        return str(topic), set(destination.get("MatchingEventTypes") or [])

    def publish_new(self) -> int:
        """Publish the events of every mail not handled yet; the number of events published."""
        recorded = len(ses_backends[self._account_id][self._region].sent_messages)
        if recorded == self._recorded:
            return 0
        published = 0
        mails, upto = self._mailbox.mail_from(self._next)
        for mail in mails:
            if mail["id"] in self._seen:
                continue
            published += self._publish(mail)
            self._seen.add(mail["id"])  # only once all its events are out: a failure retries the mail
        self._recorded, self._next = recorded, upto
        self.published += published
        return published

    def _publish(self, mail: dict[str, Any]) -> int:
        configuration_set = configuration_set_of(mail, self._default)
        destination = self._destination(configuration_set)
        if destination is None:
            return 0
        topic, wanted = destination
        events = [e for e in events_for(mail, configuration_set, self._clock())
                  if DESTINATION_TYPES[e["eventType"]] in wanted]
        for event in events:
            self._sns.publish(TopicArn=topic, Message=json.dumps(event))
        log.info("SES events for %s: %s", mail["id"], ", ".join(e["eventType"] for e in events) or "none")
        return len(events)


# --- SES's maximum send rate ------------------------------------------------------------------------

SEND_ACTIONS = frozenset({"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail"})
SESV2_SEND_PATH = "/v2/email/outbound-emails"
THROTTLING_MESSAGE = "Maximum sending rate exceeded."
_ACTION = re.compile(r"(?:^|&)Action=(\w+)")
BURST_S = 1.0  # SES: "you can exceed this quota for short bursts, but not for a sustained period"


def _configured_rate() -> float:
    from shared.platform.settings import settings  # the handlers' setting, read at each check (env may change)

    return float(settings().ses_max_send_rate)


class SendRateLimit:
    """A token bucket at `rate()` sends per second holding `BURST_S` of them; counts what it let through."""

    def __init__(self, rate: Callable[[], float] = _configured_rate,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._current: float | None = None
        self._tokens = 0.0
        self._last = 0.0
        self.accepted = 0
        self.throttled = 0

    def allow(self) -> bool:
        """Take a send's token: False (a throttle) when the rate is used up."""
        with self._lock:
            rate, now = self._rate(), self._clock()
            if rate != self._current:  # first use, or the setting changed: start full
                self._current, self._tokens, self._last = rate, rate * BURST_S, now
            self._tokens = min(rate * BURST_S, self._tokens + (now - self._last) * rate)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                self.accepted += 1
                return True
            self.throttled += 1
            return False


def _is_send(environ: dict[str, Any]) -> bool:
    """An SES send (v1 query API or v2 REST), told by the request's SigV4 scope and action."""
    if "/ses/aws4_request" not in str(environ.get("HTTP_AUTHORIZATION", "")):
        return False
    if str(environ.get("PATH_INFO", "")).startswith(SESV2_SEND_PATH):
        return True
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)  # moto reads the same bytes again
    action = _ACTION.search(body[:4096].decode("utf-8", "replace"))
    return action is not None and action.group(1) in SEND_ACTIONS


def throttling_response(v2: bool) -> tuple[str, list[tuple[str, str]], bytes]:
    """SES's answer to a send over the rate: HTTP 400, code `Throttling`."""
    request_id = str(uuid.uuid4())
    if v2:
        body = json.dumps({"message": THROTTLING_MESSAGE}).encode()
        return "400 Bad Request", [("Content-Type", "application/json"),
                                   ("x-amzn-ErrorType", "TooManyRequestsException"),
                                   ("x-amzn-RequestId", request_id)], body
    body = (f'<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>'
            f"<Code>Throttling</Code><Message>{THROTTLING_MESSAGE}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>").encode()
    return "400 Bad Request", [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body


class SesRateGate:
    """WSGI middleware in front of moto: SES sends over `limit` get SES's `Throttling` error."""

    def __init__(self, app: Callable[..., Iterable[bytes]], limit: SendRateLimit) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or not _is_send(environ) or self.limit.allow():
            return self.app(environ, start_response)
        status, headers, body = throttling_response(str(environ.get("PATH_INFO", "")).startswith(SESV2_SEND_PATH))
        log.info("SES send throttled (over %g/s)", self.limit._current or 0)  # noqa: SLF001
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]
