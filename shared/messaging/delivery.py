"""Delivering one outbox message: exactly once to the recipient on an at-least-once queue.

1. The message must still be `queued`: a redelivered, duplicated or retried SQS message for one
   that moved on is acknowledged and nothing is sent.
2. Suppressed or opted-out recipients end `suppressed` with the reason; no provider call. Opted out
   means a marketing message to a resident whose consent on that channel is false.
3. A conditional write claims it (`queued → sending`, attempts + 1) BEFORE the provider call.
4. The provider's answer decides:
   - accepted → `sent` (guarded by the claim; SES's own `Send` notification may get there first);
   - throttled / 5xx / could not connect → nothing was sent: back to `queued`, and the worker
     pushes the SQS message's visibility out exponentially with jitter (no sleeping);
   - permanent error → `failed` with the reason;
   - no answer (read timeout, connection dropped mid-request) → the outcome is unknown, so the
     message stays `sending` and is never sent again automatically: the SES `Send`/`Delivery`
     notification (tagged with the message id) settles it, or an admin sees it in `sending`.
   A crash between the provider accepting and our status write is that last case too.
5. After `MAX_ATTEMPTS` claims the message is `failed`; SQS's own receive count sends a message
   that keeps failing to the DLQ, and the requeue job brings it back for this check.
6. A message that cannot be rendered or built (its template no longer renders, a header cannot
   be encoded) is `failed` with the reason at once: retrying cannot help. Such failures, and
   exhausted attempts, are logged at ERROR and counted (`failures.record`).

Campaign recipients arrive in chunks (`deliver_chunk`): the same rules, batched — one BatchGetItem
reads the chunk, one BatchGetItem checks its suppressions (and one its residents' consent), one
transaction claims every due message, the sends run on a few threads paced by the SES rate
(`pacing`), and one transaction settles every outcome with the report counters. Such messages
carry their variables and are rendered here, per recipient, with the template compiled once.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import lru_cache
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from shared.campaigns import repository as campaigns
from shared.community import repository as identity_repository  # the community record (issue 16: out of identity)
from shared.community.models import Community
from shared.messaging import failures, pacing, repository
from shared.messaging import tracked_links as links
from shared.messaging.chunks import Chunk
from shared.messaging.models import Message, MessageStatus
from shared.messaging.repository import Settle
from shared.messaging.sms_routes import remember_sms_route
from shared.platform import aws, ids
from shared.platform.channels import Category, Channel
from shared.platform.errors import ApiError
from shared.platform.masking import mask_address
from shared.platform.observability import logger
from shared.platform.settings import settings
from shared.residents import service as residents
from shared.spec.resources import OUTBOX_QUEUE
from shared.suppression import service as suppression
from shared.templates import service as templates
from shared.templates.render import Prepared

MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 5
BACKOFF_CAP_S = 900  # SQS allows up to 12 hours; 15 minutes keeps retries inside the hour

RETRYABLE_CODES = frozenset({
    "Throttling", "ThrottlingException", "TooManyRequestsException", "ThrottledException",
    "RequestLimitExceeded", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
    "InternalError", "InternalErrorException", "SendingPausedException", "AccountSendingPausedException",
    "KMSThrottlingException",
})


THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "ThrottledException"})


class Retry(Exception):
    """Not sent; try again after `delay_s` (the worker reports the record as failed)."""

    def __init__(self, reason: str, delay_s: int) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | skipped | suppressed | failed | unknown
    detail: str = ""


def backoff_s(attempt: int, rng: random.Random | None = None) -> int:
    """Exponential backoff with full jitter, at least the base, at most the cap."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempt - 1))
    return max(BACKOFF_BASE_S, int((rng or random).uniform(ceiling / 2, ceiling)))


def _is_retryable(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code in RETRYABLE_CODES or status >= 500


def _sender(community: Community | None) -> str:
    """`"{sender.from_name or community name}" <no-reply@{mail domain}>`: only the verified domain sends."""
    name = (community.sender.from_name or community.name) if community else "Porchlight"
    return formataddr((name, f"no-reply@{settings().require('mail_from_domain')}"))


def build_email(message: Message, community: Community | None = None) -> EmailMessage:
    community = community or identity_repository.get_community(message.community_id)
    mail = EmailMessage()
    mail["From"] = _sender(community)
    if community is not None and community.sender.reply_to:
        mail["Reply-To"] = community.sender.reply_to
    mail["To"] = message.to
    mail["Subject"] = message.subject or ""
    mail["Message-ID"] = make_msgid(domain=settings().require("mail_from_domain"))
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
    return mail


@lru_cache(maxsize=32)
def _prepared(community_id: str, template_id: str, version: int) -> Prepared | None:
    """The template compiled once per worker; versions never change, so the cache cannot go stale."""
    template = templates.get(community_id, template_id)
    if template is None or template.version != version:
        return None
    return Prepared(template)


class Unrenderable(Exception):
    """The message cannot be rendered or built (template gone, changed or failing, a variable
    missing, a header that cannot be encoded): it fails at once, since retrying cannot help."""


def _unsendable(message: Message, error: Unrenderable) -> str:
    """The reason to fail `message` with, logged at ERROR and counted."""
    reason = str(error)[:300]
    failures.record(message.community_id, message.id, reason, kind="unrenderable")
    return reason


def _exhausted(message: Message) -> str:
    reason = f"gave up after {message.attempts} attempts"
    failures.record(message.community_id, message.id, reason, kind="attempts_exhausted")
    return reason


def _why(error: ApiError) -> str:
    """`CODE: field: problem; ...` — the template error as a failure reason."""
    details = "; ".join(f"{d.field}: {d.message}" for d in error.details)
    return f"{error.code}: {details or error.message}"


def content(message: Message, community: Community | None) -> Message:
    """The message with its subject/html/text: as stored, or rendered now from its variables."""
    if message.variables is None:
        return message
    if message.template_id is None or message.template_version is None:
        raise Unrenderable("the message has variables but no template")
    try:
        prepared = _prepared(message.community_id, message.template_id, message.template_version)
    except ApiError as error:  # stored before templates were compiled at save, or the rules tightened
        raise Unrenderable(f"template {message.template_id} v{message.template_version}: {_why(error)}") from error
    if prepared is None:
        raise Unrenderable(f"template {message.template_id} v{message.template_version} is gone")
    variables = dict(message.variables)
    variables.update({
        "community_name": community.name if community else "",
        "unsubscribe_url": links.unsubscribe_url(message.community_id, message.id, str(message.channel), message.to),
    })
    try:
        rendered = prepared.render(variables)
    except ApiError as error:
        raise Unrenderable(_why(error)) from error
    return message.model_copy(update={"subject": rendered.subject, "html": rendered.html, "text": rendered.text})


def email_parts(message: Message, community: Community | None) -> tuple[str, bytes]:
    """The envelope sender and the raw MIME message; `Unrenderable` when a header cannot be built
    (a line break in a name stored before the API refused them, an address the parser rejects)."""
    try:
        return _sender(community), build_email(message, community).as_bytes()
    except (ValueError, TypeError, LookupError, MessageError) as error:
        raise Unrenderable(f"the email cannot be built: {type(error).__name__}: {error}") from error


def _send_email(message: Message, parts: tuple[str, bytes]) -> str:
    source, raw = parts
    answer = aws.client("ses").send_raw_email(
        Source=source,
        Destinations=[message.to],
        RawMessage={"Data": raw},
        ConfigurationSetName=settings().require("ses_configuration_set"),
        Tags=[{"Name": "community_id", "Value": message.community_id},
              {"Name": "message_id", "Value": message.id}],
    )
    return str(answer["MessageId"])


def _send_sms(message: Message, community: Community | None = None) -> str:
    sms_type = "Promotional" if message.category == Category.MARKETING else "Transactional"
    answer = aws.client("sns").publish(
        PhoneNumber=message.to,
        Message=message.text,
        MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": sms_type}},
    )
    remember_sms_route(message.community_id, message.to)
    return str(answer["MessageId"])


def _opted_out(message: Message) -> bool:
    """A marketing message to a resident who withdrew marketing consent on its channel (checked at
    delivery, so a change made after queueing still counts). Transactional mail ignores consent."""
    if message.category != Category.MARKETING or message.resident_id is None:
        return False
    return residents.opted_out(message.community_id, message.resident_id, message.channel)


BULK = OUTBOX_QUEUE.logical_id  # the lane (pacing budget) a worker sends from; see `pacing`


def deliver(community_id: str, message_id: str, *, lane: str = BULK) -> Outcome:
    """Deliver one message if it is still due. Raises `Retry` when the provider said "later"."""
    message = repository.get(community_id, message_id)
    if message is None or message.status != MessageStatus.QUEUED:
        return Outcome("skipped", "not queued" if message else "unknown message")
    outcome = _deliver(message, lane)
    if message.campaign_id and outcome.status in ("sent", "failed", "suppressed"):
        campaigns.complete(community_id, message.campaign_id)  # a retried recipient may be the last one
    return outcome


def _deliver(message: Message, lane: str = BULK) -> Outcome:
    community_id = message.community_id
    if message.attempts >= MAX_ATTEMPTS:
        repository.finish(message, MessageStatus.FAILED, _exhausted(message), from_statuses=(MessageStatus.QUEUED,))
        return Outcome("failed", "attempts exhausted")
    reason = suppression.blocking_reason(community_id, message.channel, message.to, message.category)
    if reason is not None:
        repository.finish(message, MessageStatus.SUPPRESSED, f"recipient suppressed: {reason}",
                          from_statuses=(MessageStatus.QUEUED,))
        return Outcome("suppressed", str(reason))
    if _opted_out(message):
        repository.finish(message, MessageStatus.SUPPRESSED,
                          f"recipient suppressed: resident opted out of {message.channel} marketing",
                          from_statuses=(MessageStatus.QUEUED,))
        return Outcome("suppressed", "opted_out")
    community = identity_repository.get_community(community_id)
    try:
        message = content(message, community)
    except Unrenderable as error:
        why = _unsendable(message, error)
        repository.finish(message, MessageStatus.FAILED, why, from_statuses=(MessageStatus.QUEUED,))
        return Outcome("failed", why)
    claim_id = ids.new_id()
    if not repository.claim(message, claim_id):
        return Outcome("skipped", "claimed elsewhere")
    settle = _send_one(message, community, lane)
    if settle is None:
        return Outcome("unknown", "the provider's answer was lost")
    if settle.status == MessageStatus.QUEUED:
        repository.release(message, claim_id, settle.detail, retry_in_s=settle.retry_in_s)
        raise Retry(settle.detail, settle.retry_in_s)
    if settle.status == MessageStatus.FAILED:
        repository.finish(message, MessageStatus.FAILED, settle.detail, from_statuses=(MessageStatus.SENDING,),
                          claim_id=claim_id)
        return Outcome("failed", settle.detail)
    repository.mark_sent(message, claim_id, settle.detail)
    logger.info("message sent", extra={"message_id": message.id, "channel": str(message.channel),
                                       "to": mask_address(message.to), "attempt": message.attempts + 1})
    return Outcome("sent", settle.detail)


def _provider_send(message: Message, community: Community | None, lane: str = BULK) -> str:
    parts = email_parts(message, community) if message.channel == Channel.EMAIL else None  # before a rate token
    pacing.before_send(lane)
    provider_id = _send_email(message, parts) if parts is not None else _send_sms(message, community)
    pacing.after_send(lane)
    return provider_id


# --- campaign chunks ------------------------------------------------------------------------------


def _send_one(message: Message, community: Community | None, lane: str = BULK) -> Settle | None:
    """Send one claimed message; how it settles (None: outcome unknown, it stays `sending`).

    Throttled / 5xx / unreachable → back to `queued` with a backoff; another provider error →
    `failed` with the reason; a read timeout or dropped connection → unknown (SES settles it);
    an email that cannot be built → `failed` at once, nothing sent."""
    attempt = message.attempts + 1
    try:
        provider_id = _provider_send(message, community, lane)
    except Unrenderable as error:
        return Settle(message, MessageStatus.FAILED, _unsendable(message, error))
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Error")
        text = f"{code}: {error.response.get('Error', {}).get('Message', '')}"[:300]
        if code in THROTTLE_CODES:
            pacing.throttled(lane)  # over the rate: this worker pauses; the message comes back later
        if _is_retryable(error):
            return Settle(message, MessageStatus.QUEUED, text, retry_in_s=backoff_s(attempt))
        return Settle(message, MessageStatus.FAILED, text)
    except EndpointConnectionError:
        return Settle(message, MessageStatus.QUEUED, "provider unreachable", retry_in_s=backoff_s(attempt))
    except (ReadTimeoutError, ConnectionClosedError) as error:
        logger.warning("delivery outcome unknown", extra={"message_id": message.id, "error": type(error).__name__})
        return None
    return Settle(message, MessageStatus.SENT, provider_id)


def _screen(due: Sequence[Message]) -> tuple[list[Message], list[Settle]]:
    """Split due messages into those to send and those that end before any claim (exhausted,
    suppressed, opted out): one BatchGetItem for suppressions and one for consent, per chunk."""
    ends: list[Settle] = []
    rest: list[Message] = []
    for message in due:
        if message.attempts >= MAX_ATTEMPTS:
            ends.append(Settle(message, MessageStatus.FAILED, _exhausted(message), claimed=False))
        else:
            rest.append(message)
    blocked: dict[tuple[Channel, str], str] = {}
    for channel, category in {(m.channel, m.category) for m in rest}:
        group = [m.to for m in rest if m.channel == channel and m.category == category]
        for address, why in suppression.blocking_many(rest[0].community_id, channel, group, category).items():
            blocked[(channel, address)] = str(why)
    opted_out: set[tuple[Channel, str]] = set()
    for channel in {m.channel for m in rest if m.category == Category.MARKETING}:
        asked = [m.resident_id for m in rest if m.category == Category.MARKETING and m.channel == channel
                 and m.resident_id]
        opted_out |= {(channel, rid) for rid in residents.marketing_opt_outs(rest[0].community_id, asked, channel)}
    sendable: list[Message] = []
    for message in rest:
        blocked_for = blocked.get((message.channel, message.to))
        if blocked_for is not None:
            ends.append(Settle(message, MessageStatus.SUPPRESSED, f"recipient suppressed: {blocked_for}",
                               claimed=False))
        elif message.category == Category.MARKETING and (message.channel, message.resident_id or "") in opted_out:
            ends.append(Settle(message, MessageStatus.SUPPRESSED,
                               f"recipient suppressed: resident opted out of {message.channel} marketing",
                               claimed=False))
        else:
            sendable.append(message)
    return sendable, ends


def deliver_chunk(chunk: Chunk, *, lane: str = BULK) -> int | None:
    """Deliver a chunk's due messages; seconds after which the chunk must come back for the ones
    the provider deferred (throttling, 5xx), or None when nothing is left for this chunk."""
    found = repository.get_many(chunk.community_id, chunk.message_ids, without_events=True)
    due = [m for m in found.values() if m.status == MessageStatus.QUEUED]
    if not due:
        return None
    community = identity_repository.get_community(chunk.community_id)
    sendable, ends = _screen(due)
    rendered: list[Message] = []
    for message in sendable:
        try:
            rendered.append(content(message, community))
        except Unrenderable as error:
            ends.append(Settle(message, MessageStatus.FAILED, _unsendable(message, error), claimed=False))
    claim_id = ids.new_id()
    claimed = repository.claim_many(rendered, claim_id) if rendered else []
    sent = [s for s in pacing.send_in_order(lane, lambda m: _send_one(m, community, lane), claimed) if s is not None]
    repository.settle_many(ends + sent, claim_id)
    retry = [s.retry_in_s for s in sent if s.status == MessageStatus.QUEUED]
    logger.info("chunk delivered", extra={"campaign_id": chunk.campaign_id, "due": len(due), "claimed": len(claimed),
                                          "deferred": len(retry)})
    if chunk.campaign_id and not retry:
        campaigns.complete(chunk.community_id, chunk.campaign_id)
    return max(retry) if retry else None


def parse_body(body: str) -> tuple[str, str]:
    data: Any = json.loads(body)
    return str(data["community_id"]), str(data["message_id"])
