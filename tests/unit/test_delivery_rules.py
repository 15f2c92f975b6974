"""The one delivery rule set (issue 16, part 5): a table of messages × recipient states → decisions.
Single messages and campaign chunks both ask `rules.decide`; the integration tests drive both paths."""

from __future__ import annotations

from typing import Any

import pytest

from shared.messaging.models import Message, MessageStatus
from shared.messaging.rules import MAX_ATTEMPTS, Recipient, Verdict, decide
from shared.platform.channels import Category, Channel

pytestmark = pytest.mark.unit


def message(**changes: Any) -> Message:
    fields: dict[str, Any] = dict(id="m1", community_id="c1", channel=Channel.EMAIL, category=Category.MARKETING,
                                  to="a@example.com", status=MessageStatus.QUEUED, resident_id="r1",
                                  created_at="2026-12-02T10:00:00Z", updated_at="2026-12-02T10:00:00Z")
    fields.update(changes)
    return Message(**fields)


CASES: list[tuple[str, dict[str, Any], Recipient, Verdict, str]] = [
    ("due, nothing against it", {}, Recipient(), Verdict.SEND, ""),
    ("already sending (a duplicate delivery)", {"status": MessageStatus.SENDING}, Recipient(), Verdict.SKIP,
     "not queued"),
    ("already sent", {"status": MessageStatus.SENT}, Recipient(suppressed_for="bounce"), Verdict.SKIP, "not queued"),
    ("failed stays failed", {"status": MessageStatus.FAILED}, Recipient(), Verdict.SKIP, "not queued"),
    ("one attempt left", {"attempts": MAX_ATTEMPTS - 1}, Recipient(), Verdict.SEND, ""),
    ("attempts exhausted", {"attempts": MAX_ATTEMPTS}, Recipient(), Verdict.FAIL,
     f"gave up after {MAX_ATTEMPTS} attempts"),
    ("exhausted beats suppressed", {"attempts": MAX_ATTEMPTS + 2}, Recipient(suppressed_for="bounce"), Verdict.FAIL,
     f"gave up after {MAX_ATTEMPTS + 2} attempts"),
    ("hard bounce blocks marketing", {}, Recipient(suppressed_for="bounce"), Verdict.SUPPRESS,
     "recipient suppressed: bounce"),
    ("a complaint blocks transactional mail too", {"category": Category.TRANSACTIONAL},
     Recipient(suppressed_for="complaint"), Verdict.SUPPRESS, "recipient suppressed: complaint"),
    ("suppression beats opt-out", {}, Recipient(suppressed_for="unsubscribed", opted_out=True), Verdict.SUPPRESS,
     "recipient suppressed: unsubscribed"),
    ("opted out of email marketing", {}, Recipient(opted_out=True), Verdict.SUPPRESS,
     "recipient suppressed: resident opted out of email marketing"),
    ("opted out of sms marketing", {"channel": Channel.SMS, "to": "+14165550123"}, Recipient(opted_out=True),
     Verdict.SUPPRESS, "recipient suppressed: resident opted out of sms marketing"),
    ("transactional ignores consent", {"category": Category.TRANSACTIONAL}, Recipient(opted_out=True), Verdict.SEND,
     ""),
    ("no resident, no consent to check", {"resident_id": None}, Recipient(opted_out=True), Verdict.SEND, ""),
]


@pytest.mark.parametrize(("case", "changes", "recipient", "verdict", "reason"), CASES, ids=[c[0] for c in CASES])
def test_decide(case: str, changes: dict[str, Any], recipient: Recipient, verdict: Verdict, reason: str) -> None:
    decision = decide(message(**changes), recipient)
    assert (decision.verdict, decision.reason) == (verdict, reason)
    assert (decision.failure_kind is not None) is (reason.startswith("gave up"))
