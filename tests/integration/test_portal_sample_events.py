"""Issue 12's sample events (events/) drive their handlers: the public requests answer 202 and queue,
the AccountMail batch mails the tenant her link and the admin a reset, and nobody else anything."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.api.auth import magic_link, magic_link_verify, password_forgot
from functions.workers import account_mail
from shared.community import repository as communities
from shared.identity import seed
from shared.messaging import account_mail as account_mailer
from shared.messaging import repository as outbox
from tests.integration.test_portal import sign_in_mails
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext
from tests.support.portal import add_resident

pytestmark = pytest.mark.integration


@pytest.fixture
def demo() -> tuple[str, str]:
    """The demo community the events name (slug maple-grove-hoa) with its tenant; (id, slug)."""
    made = seed.seed_demo_community(mailer=account_mailer)
    community = communities.community_by_slug(made.slug)
    assert community is not None
    add_resident(community.id, "tenant", "tess.tenant@maplegrove.example.com", first_name="Tess")
    return community.id, community.slug


def test_the_public_request_events_answer_202(demo: tuple[str, str], aws_env: dict[str, Any]) -> None:
    for module, name in ((magic_link, "api-magic-link.json"), (password_forgot, "api-password-forgot.json")):
        answer = module.handler(load(name), FakeContext())
        assert answer["statusCode"] == 202 and json.loads(answer["body"]) == {"status": "accepted"}, answer


def test_the_account_mail_batch_and_the_code_event(demo: tuple[str, str]) -> None:
    community_id, slug = demo
    assert account_mail.handler(load("sqs-account-mail.json"), FakeContext()) == {"batchItemFailures": []}
    ((_, code),) = sign_in_mails(community_id, "tess.tenant@maplegrove.example.com")
    messages, _ = outbox.list_all(community_id, limit=50, after=None)
    assert [m.to for m in messages if "/reset-password?token=" in m.text] == ["admin@maplegrove.example.com"]
    assert not [m for m in messages if m.to == "nobody@example.com"]
    event = load("api-magic-link-verify.json")
    event["body"] = event["body"].replace("<6-digit code from the mail>", code)
    answer = magic_link_verify.handler(event, FakeContext())
    assert answer["statusCode"] == 200 and json.loads(answer["body"])["community"]["slug"] == slug
