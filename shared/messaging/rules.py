"""The delivery rules, once: a message, what we know of its recipient now → send it or end it.

Pure (no storage, no provider): single messages and campaign chunks gather the recipient's state
their own way (one GetItem each, or one BatchGetItem per chunk) and then both ask `decide`.
Rendering failures and provider answers come later, after a `SEND` decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.messaging.models import MAX_ATTEMPTS, Message, MessageStatus
from shared.platform.channels import Category


@dataclass(frozen=True)
class Recipient:
    """What delivery knows about the recipient at the moment of sending."""

    suppressed_for: str | None = None  # the suppression list's reason (bounce, complaint, unsubscribe, STOP...)
    opted_out: bool = False  # the resident withdrew marketing consent on the message's channel


class Verdict(StrEnum):
    SEND = "send"
    SKIP = "skip"  # not ours to touch any more (moved on, or a duplicate delivery): nothing written
    FAIL = "fail"
    SUPPRESS = "suppress"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""
    failure_kind: str | None = None  # a technical failure, logged at ERROR and counted (`failures.record`)


SEND = Decision(Verdict.SEND)


def decide(message: Message, recipient: Recipient) -> Decision:
    """The first rule that applies, in order: not queued → skip; attempts exhausted → fail;
    suppressed → suppress (any category: a hard bounce or complaint blocks transactional mail too);
    a marketing message to a resident who opted out on its channel → suppress; else send."""
    if message.status != MessageStatus.QUEUED:
        return Decision(Verdict.SKIP, "not queued")
    if message.attempts >= MAX_ATTEMPTS:
        return Decision(Verdict.FAIL, f"gave up after {message.attempts} attempts", "attempts_exhausted")
    if recipient.suppressed_for is not None:
        return Decision(Verdict.SUPPRESS, f"recipient suppressed: {recipient.suppressed_for}")
    if recipient.opted_out and message.category == Category.MARKETING and message.resident_id is not None:
        return Decision(Verdict.SUPPRESS, f"recipient suppressed: resident opted out of {message.channel} marketing")
    return SEND
