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

Campaign recipients arrive in chunks (`deliver_chunk`): the same rules (`rules.decide`), batched. A
chunk carries its recipients' messages (issue 16), so nothing is read back: one BatchGetItem per 100
checks suppressions (and one the residents' consent), one transaction per 98 claims every due message
(and writes its item the first time), the sends run on a few threads paced by the SES rate (`pacing`),
and one transaction per 98 settles every outcome with the report counters. Such messages carry their
variables and are rendered here (`rendering`), per recipient, with the template compiled once; the
email is composed by `mime`. What a chunk did is returned (`ChunkReport`): campaigns sit above and
decide from it whether one is complete.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from shared.messaging import attachments, failures, mime, pacing, rendering, repository, rules
from shared.messaging.chunks import Chunk
from shared.messaging.mime import Sender
from shared.messaging.models import Message, MessageStatus
from shared.messaging.ports import Ports
from shared.messaging.progress import ChunkReport, Settled
from shared.messaging.rendering import Unrenderable
from shared.messaging.repository import Settle
from shared.messaging.sms_routes import remember_sms_route
from shared.platform import aws, ids
from shared.platform.channels import Category, Channel
from shared.platform.masking import mask_address
from shared.platform.observability import logger
from shared.platform.settings import settings
from shared.residents import service as residents
from shared.spec.resources import OUTBOX_QUEUE
from shared.suppression import service as suppression

MAX_ATTEMPTS = rules.MAX_ATTEMPTS
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
    campaign_id: str | None = None
    community_id: str = ""

    def settled(self) -> Settled | None:
        """The campaign this outcome may have completed (a retried recipient may be the last one)."""
        if self.campaign_id and self.status in ("sent", "failed", "suppressed"):
            return Settled(self.community_id, self.campaign_id)
        return None


def backoff_s(attempt: int, rng: random.Random | None = None) -> int:
    """Exponential backoff with full jitter, at least the base, at most the cap."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempt - 1))
    return max(BACKOFF_BASE_S, int((rng or random).uniform(ceiling / 2, ceiling)))


def _is_retryable(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code in RETRYABLE_CODES or status >= 500


def build_email(message: Message, ports: Ports, sender: Sender | None = None) -> EmailMessage:
    """The email of a rendered message, without its attachments (what the headers and bodies look like)."""
    return mime.build(message, sender or ports.sender_of(message.community_id),
                      domain=settings().require("mail_from_domain"), links=ports.links)


def _unsendable(message: Message, error: Unrenderable) -> str:
    """The reason to fail `message` with, logged at ERROR and counted."""
    reason = str(error)[:300]
    failures.record(message.community_id, message.id, reason, kind="unrenderable")
    return reason


def content(message: Message, sender: Sender, ports: Ports) -> Message:
    """The message with its subject/html/text: as stored, or rendered now from its variables."""
    if message.variables is None:
        return message
    return rendering.content(message, community_name=sender.community_name, unsubscribe_url=ports.links.unsubscribe_url(
        message.community_id, message.id, str(message.channel), message.to))


def email_parts(message: Message, sender: Sender, ports: Ports) -> tuple[str, bytes]:
    """The envelope sender and the raw MIME message with its attachments; `Unrenderable` when it cannot
    be built (a header that cannot be encoded, an attachment gone or over SES's size limit)."""
    domain = settings().require("mail_from_domain")
    try:
        files = [(attachment, attachments.fetch(attachment)) for attachment in message.attachments]
        return mime.from_address(sender, domain), mime.raw(message, sender, domain=domain, links=ports.links,
                                                            files=files)
    except (mime.Unbuildable, attachments.Missing) as error:
        raise Unrenderable(str(error)) from error


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


def _send_sms(message: Message) -> str:
    sms_type = "Promotional" if message.category == Category.MARKETING else "Transactional"
    answer = aws.client("sns").publish(
        PhoneNumber=message.to,
        Message=message.text,
        MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": sms_type}},
    )
    remember_sms_route(message.community_id, message.to)
    return str(answer["MessageId"])


def _recipient(message: Message) -> rules.Recipient:
    """The recipient's state for one message: its suppression (one GetItem) and, for a marketing message
    to a resident, their consent (checked at delivery, so a change made after queueing still counts)."""
    reason = suppression.blocking_reason(message.community_id, message.channel, message.to, message.category)
    if reason is not None:
        return rules.Recipient(suppressed_for=str(reason))
    if message.category != Category.MARKETING or message.resident_id is None:
        return rules.Recipient()
    return rules.Recipient(opted_out=residents.opted_out(message.community_id, message.resident_id, message.channel))


def _recipients(messages: Sequence[Message]) -> dict[str, rules.Recipient]:
    """`_recipient` for a chunk: one BatchGetItem for suppressions and one for consent, per channel."""
    if not messages:
        return {}
    community_id = messages[0].community_id
    blocked: dict[tuple[Channel, str], str] = {}
    for channel, category in {(m.channel, m.category) for m in messages}:
        group = [m.to for m in messages if m.channel == channel and m.category == category]
        for address, why in suppression.blocking_many(community_id, channel, group, category).items():
            blocked[(channel, address)] = str(why)
    opted_out: set[tuple[Channel, str]] = set()
    for channel in {m.channel for m in messages if m.category == Category.MARKETING}:
        asked = [m.resident_id for m in messages if m.category == Category.MARKETING and m.channel == channel
                 and m.resident_id and (channel, m.to) not in blocked]
        opted_out |= {(channel, rid) for rid in residents.marketing_opt_outs(community_id, asked, channel)}
    return {m.id: rules.Recipient(suppressed_for=blocked.get((m.channel, m.to)),
                                  opted_out=(m.channel, m.resident_id or "") in opted_out) for m in messages}


def _ended(message: Message, decision: rules.Decision) -> MessageStatus:
    """The status a non-send decision ends the message in (a technical failure is logged and counted)."""
    if decision.failure_kind is not None:
        failures.record(message.community_id, message.id, decision.reason, kind=decision.failure_kind)
    return MessageStatus.FAILED if decision.verdict == rules.Verdict.FAIL else MessageStatus.SUPPRESSED


BULK = OUTBOX_QUEUE.logical_id  # the lane (pacing budget) a worker sends from; see `pacing`


def deliver(community_id: str, message_id: str, *, ports: Ports, lane: str = BULK) -> Outcome:
    """Deliver one message if it is still due. Raises `Retry` when the provider said "later"."""
    message = repository.get(community_id, message_id)
    if message is None or message.status != MessageStatus.QUEUED:
        return Outcome("skipped", "not queued" if message else "unknown message")
    outcome = _deliver(message, ports, lane)
    return replace(outcome, campaign_id=message.campaign_id, community_id=community_id)


def _deliver(message: Message, ports: Ports, lane: str = BULK) -> Outcome:
    community_id = message.community_id
    decision = rules.decide(message, _recipient(message))
    if decision.verdict == rules.Verdict.SKIP:
        return Outcome("skipped", decision.reason)
    if decision.verdict != rules.Verdict.SEND:
        status = _ended(message, decision)
        repository.finish(message, status, decision.reason, from_statuses=(MessageStatus.QUEUED,))
        return Outcome(str(status), decision.reason)
    sender = ports.sender_of(community_id)
    try:
        message = content(message, sender, ports)
    except Unrenderable as error:
        why = _unsendable(message, error)
        repository.finish(message, MessageStatus.FAILED, why, from_statuses=(MessageStatus.QUEUED,))
        return Outcome("failed", why)
    claim_id = ids.new_id()
    if not repository.claim(message, claim_id):
        return Outcome("skipped", "claimed elsewhere")
    settle = _send_one(message, sender, ports, lane)
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


def _provider_send(message: Message, sender: Sender, ports: Ports, lane: str = BULK) -> str:
    parts = email_parts(message, sender, ports) if message.channel == Channel.EMAIL else None  # before a token
    pacing.before_send(lane)
    provider_id = _send_email(message, parts) if parts is not None else _send_sms(message)
    pacing.after_send(lane)
    return provider_id


# --- campaign chunks ------------------------------------------------------------------------------


def _send_one(message: Message, sender: Sender, ports: Ports, lane: str = BULK) -> Settle | None:
    """Send one claimed message; how it settles (None: outcome unknown, it stays `sending`).

    Throttled / 5xx / unreachable → back to `queued` with a backoff; another provider error →
    `failed` with the reason; a read timeout or dropped connection → unknown (SES settles it);
    an email that cannot be built → `failed` at once, nothing sent."""
    attempt = message.attempts + 1
    try:
        provider_id = _provider_send(message, sender, ports, lane)
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


def _screen(due: Sequence[Message], *, carried: bool) -> tuple[list[Message], list[Settle]]:
    """Split due messages into those to send and those that end before any claim (the same rules as
    one message: `rules.decide`), with the recipients' state read in batches."""
    ends: list[Settle] = []
    sendable: list[Message] = []
    fresh = [m for m in due if m.attempts < MAX_ATTEMPTS]  # an exhausted one needs no lookup
    state = _recipients(fresh)
    for message in due:
        decision = rules.decide(message, state.get(message.id, rules.Recipient()))
        if decision.verdict == rules.Verdict.SEND:
            sendable.append(message)
        elif decision.verdict != rules.Verdict.SKIP:
            ends.append(Settle(message, _ended(message, decision), decision.reason, claimed=False, carried=carried))
    return sendable, ends


def _refused(chunk: Chunk, asked: Sequence[Message], claimed: Sequence[Message]) -> list[Settle]:
    """A carried chunk's messages whose claim was refused, read back (rare: a redelivered chunk, or one
    come back for what the provider deferred): those still queued with their attempts used up end
    `failed` (the rules once more); the others moved on and are not ours."""
    refused = {m.id for m in asked} - {m.id for m in claimed}
    if not refused:
        return []
    found = repository.get_many(chunk.community_id, refused, without_events=True)
    ends: list[Settle] = []
    for message in found.values():
        decision = rules.decide(message, rules.Recipient())
        if decision.verdict == rules.Verdict.FAIL:
            ends.append(Settle(message, _ended(message, decision), decision.reason, claimed=False))
    return ends


def deliver_chunk(chunk: Chunk, *, ports: Ports, lane: str = BULK) -> ChunkReport:
    """Deliver a chunk's due messages; what happened, with the seconds after which the chunk must
    come back for the ones the provider deferred (throttling, 5xx), None when nothing is left.

    A chunk that carries its messages is taken as queued (nothing read back): the claim's condition is
    the check, and it writes each item the first time. A chunk naming ids reads them back."""
    carried = bool(chunk.carried)
    if carried:
        due = list(chunk.carried)
    else:
        found = repository.get_many(chunk.community_id, chunk.message_ids, without_events=True)
        due = [m for m in found.values() if m.status == MessageStatus.QUEUED]
    if not due:
        return ChunkReport(chunk.community_id, chunk.campaign_id)
    sender = ports.sender_of(chunk.community_id)
    sendable, ends = _screen(due, carried=carried)
    rendered: dict[str, Message] = {}
    for message in sendable:
        try:
            rendered[message.id] = content(message, sender, ports)
        except Unrenderable as error:
            ends.append(Settle(message, MessageStatus.FAILED, _unsendable(message, error), claimed=False,
                               carried=carried))
    claim_id = ids.new_id()
    asked = [m for m in sendable if m.id in rendered]  # claimed as queued: the item keeps variables, not content
    claimed = repository.claim_many(asked, claim_id, carried=carried) if asked else []
    if carried:
        ends += _refused(chunk, asked, claimed)
    to_send = [rendered[m.id] for m in claimed]
    sent = [s for s in pacing.send_in_order(lane, lambda m: _send_one(m, sender, ports, lane), to_send)
            if s is not None]
    repository.settle_many(ends + sent, claim_id)
    retry = [s.retry_in_s for s in sent if s.status == MessageStatus.QUEUED]
    logger.info("chunk delivered", extra={"campaign_id": chunk.campaign_id, "due": len(due), "claimed": len(claimed),
                                          "deferred": len(retry)})
    outcomes = Counter(str(s.status) for s in ends + sent)
    return ChunkReport(chunk.community_id, chunk.campaign_id, sent=outcomes["sent"], failed=outcomes["failed"],
                       suppressed=outcomes["suppressed"], deferred=len(retry), unknown=len(claimed) - len(sent),
                       retry_in_s=max(retry) if retry else None)
