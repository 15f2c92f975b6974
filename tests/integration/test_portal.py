"""Residents' passwordless sign-in (issue 12): magic link and code, through the real handlers, the
AccountMail worker and the outbox on moto."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from functions.workers import account_mail
from shared.identity import repository as identity_repository
from shared.messaging import repository as outbox
from shared.platform import clock
from shared.portal import repository as portal_repository
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_delivery import sqs_event
from tests.support.api import FakeContext, call
from tests.support.portal import add_resident
from tests.support.queues import audit_events
from tests.support.users import member

pytestmark = pytest.mark.integration

_TOKEN = re.compile(r"/portal\?token=([A-Za-z0-9_.\-%]+)")
_CODE = re.compile(r"asked for it: (\d{6})")


def run_account_mail(aws_env: dict[str, Any]) -> dict[str, Any]:
    """Handle everything on the AccountMail queue, as its Lambda would."""
    answer = account_mail.handler(sqs_event(aws_env["queues"]["AccountMail"]), FakeContext())
    assert answer == {"batchItemFailures": []}
    return answer  # type: ignore[no-any-return]


def sign_in_mails(community_id: str, to: str) -> list[tuple[str, str]]:
    """(token, code) of every magic-link mail in the outbox to `to`, newest first."""
    messages, _ = outbox.list_all(community_id, limit=200, after=None)
    found = []
    for message in messages:
        token, code = _TOKEN.search(message.text), _CODE.search(message.text)
        if message.to == to.lower() and token and code:
            found.append((unquote(token.group(1)), code.group(1)))
    return found


def ask(slug: str, email: str) -> None:
    answer = call("POST", "/v1/auth/magic-link", json_body={"community": slug, "email": email})
    assert answer.status == 202 and answer.body == {"status": "accepted"}, answer.body


@pytest.fixture
def community() -> dict[str, Any]:
    return signup()


def test_link_signs_in_once_and_creates_the_linked_portal_user(aws_env: dict[str, Any],
                                                             community: dict[str, Any]) -> None:
    cid, slug = community["community"]["id"], community["community"]["slug"]
    resident = add_resident(cid, "tenant", "Tia@Example.com", first_name="Tia", unit="3C")
    ask(slug, "TIA@example.com")
    assert sign_in_mails(cid, "tia@example.com") == []  # the handler only queued the request
    run_account_mail(aws_env)
    ((token, code),) = sign_in_mails(cid, "tia@example.com")
    assert token.startswith(f"{cid}.") and len(code) == 6

    signed_in = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert signed_in.status == 200, signed_in.body
    assert signed_in.body["user"]["role"] == "tenant" and signed_in.body["community"]["slug"] == slug
    me = call("GET", "/v1/me", token=signed_in.body["access_token"]).body
    assert me["resident"] == {"id": resident.id, "first_name": "Tia", "last_name": "Resident", "unit": "3C"}
    assert me["tenancies"] == []
    user = portal_repository.portal_user(cid, resident.id)
    assert user is not None and user.id == me["user"]["id"] and user.resident_id == resident.id

    again = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert again.status == 401 and again.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    by_code = call("POST", "/v1/auth/magic-link/verify",
                   json_body={"community": slug, "email": "tia@example.com", "code": code})
    assert by_code.status == 401 and by_code.body["error"]["code"] == "AUTH_TOKEN_INVALID"  # used with its link

    events = audit_events(aws_env)
    requested = [e for e in events if e.action == "auth.magic_link.requested"]
    assert [(e.detail["outcome"], e.detail["email"], e.target) for e in requested] == [
        ("sent", "t***@example.com", resident.id)]
    assert any(e.action == "auth.magic_link.signed_in" and e.detail["method"] == "link" for e in events)
    assert all("tia@example.com" not in e.model_dump_json().lower() for e in events)


def test_the_code_path_and_an_email_change_keep_the_same_portal_user(aws_env: dict[str, Any],
                                                                    community: dict[str, Any]) -> None:
    cid, slug, admin = community["community"]["id"], community["community"]["slug"], community["access_token"]
    resident = add_resident(cid, "owner", "olu@example.com")
    ask(slug, "olu@example.com")
    run_account_mail(aws_env)
    ((_, code),) = sign_in_mails(cid, "olu@example.com")
    first = call("POST", "/v1/auth/magic-link/verify", json_body={"community": slug, "email": "olu@example.com",
                                                                  "code": code})
    assert first.status == 200 and first.body["user"]["role"] == "owner", first.body

    changed = call("PATCH", f"/v1/residents/{resident.id}", token=admin, json_body={"email": "olu@new.example.com"})
    assert changed.status == 200, changed.body
    ask(slug, "olu@example.com")  # the old address is nobody's now
    ask(slug, "olu@new.example.com")
    run_account_mail(aws_env)
    assert len(sign_in_mails(cid, "olu@example.com")) == 1
    ((token, _),) = sign_in_mails(cid, "olu@new.example.com")
    second = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert second.status == 200 and second.body["user"]["id"] == first.body["user"]["id"]


def test_five_wrong_codes_void_the_link(aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    cid, slug = community["community"]["id"], community["community"]["slug"]
    add_resident(cid, "tenant", "wes@example.com")
    ask(slug, "wes@example.com")
    run_account_mail(aws_env)
    ((token, code),) = sign_in_mails(cid, "wes@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = {"community": slug, "email": "wes@example.com", "code": wrong}
    for _ in range(5):
        answer = call("POST", "/v1/auth/magic-link/verify", json_body=body)
        assert answer.status == 401 and answer.body["error"]["code"] == "AUTH_INVALID_CREDENTIALS"
    right = call("POST", "/v1/auth/magic-link/verify", json_body=body | {"code": code})
    assert right.status == 401 and right.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    link = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert link.status == 401 and link.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    failed = [e for e in audit_events(aws_env) if e.action == "auth.magic_link.code_failed"]
    assert [e.detail["attempt"] for e in failed] == [1, 2, 3, 4, 5] and failed[-1].detail["voided"] is True


def test_the_link_expires_after_fifteen_minutes(aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    cid, slug = community["community"]["id"], community["community"]["slug"]
    add_resident(cid, "tenant", "exp@example.com")
    ask(slug, "exp@example.com")
    run_account_mail(aws_env)
    ((token, code),) = sign_in_mails(cid, "exp@example.com")
    clock.travel(15 * 60 + 1)
    by_code = call("POST", "/v1/auth/magic-link/verify",
                   json_body={"community": slug, "email": "exp@example.com", "code": code})
    by_link = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert by_code.status == by_link.status == 401
    assert by_code.body["error"]["code"] == by_link.body["error"]["code"] == "AUTH_TOKEN_INVALID"


@pytest.mark.parametrize(("role", "email", "outcome"), [
    ("owner", "nobody@example.com", "unknown_address"),  # no resident with it: no resident is made
    ("board", "bo@example.com", "not_a_portal_role"),  # board members are staff
    ("owner", "ann@example.com", "staff_address"),  # the admin's own address, also on a resident record
])
def test_no_mail_and_no_session_for_anyone_but_an_owner_or_tenant(
        aws_env: dict[str, Any], community: dict[str, Any], role: str, email: str, outcome: str) -> None:
    cid, slug = community["community"]["id"], community["community"]["slug"]
    if email != "nobody@example.com":
        add_resident(cid, role, email)
    ask(slug, email)
    run_account_mail(aws_env)
    assert sign_in_mails(cid, email) == []
    requested = [e for e in audit_events(aws_env) if e.action == "auth.magic_link.requested"]
    assert [e.detail["outcome"] for e in requested] == [outcome]


def test_an_unknown_community_gets_the_same_answer(aws_env: dict[str, Any]) -> None:
    ask("no-such-community", "tia@example.com")
    run_account_mail(aws_env)  # logged, nothing stored, nothing mailed


def test_a_staff_address_gets_no_session_even_with_a_link_from_before(aws_env: dict[str, Any],
                                                                   community: dict[str, Any]) -> None:
    """A resident who became a staff member after the mail went out: the link no longer signs in."""
    cid, slug = community["community"]["id"], community["community"]["slug"]
    add_resident(cid, "owner", "mo@example.com")
    ask(slug, "mo@example.com")
    run_account_mail(aws_env)
    ((token, _),) = sign_in_mails(cid, "mo@example.com")
    identity_repository.create_user(member(cid, Role.MANAGER, email="mo@example.com"))
    refused = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert refused.status == 401 and refused.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    assert any(e.action == "auth.magic_link.refused" and e.detail["reason"] == "staff_address"
               for e in audit_events(aws_env))


@pytest.mark.usefixtures("fresh_rate_windows")
def test_requests_are_rate_limited_per_address(aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    slug = community["community"]["slug"]
    for _ in range(5):
        ask(slug, "flood@example.com")
    limited = call("POST", "/v1/auth/magic-link", json_body={"community": slug, "email": "flood@example.com"})
    assert limited.status == 429 and limited.body["error"]["code"] == "RATE_LIMITED"
    ask(slug, "someone.else@example.com")  # another address is not held back


@pytest.mark.parametrize("body", [
    {}, {"community": "x"}, {"community": "x", "email": "not-an-email"}, {"community": "x", "email": "a@b.co", "n": 1},
])
def test_bad_requests_are_422(body: dict[str, Any]) -> None:
    answer = call("POST", "/v1/auth/magic-link", json_body=body)
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("body", [
    {}, {"token": "x", "code": "123456"}, {"community": "x", "email": "a@b.co"},
    {"community": "x", "email": "a@b.co", "code": "12345"}, {"community": "x", "email": "a@b.co", "code": "abcdef"},
])
def test_bad_verifications_are_422(body: dict[str, Any]) -> None:
    answer = call("POST", "/v1/auth/magic-link/verify", json_body=body)
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("token", ["garbage", "nocommunity." + "a" * 40, "01J0000000000000000000NONE." + "a" * 40])
def test_made_up_tokens_are_401(token: str) -> None:
    answer = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert answer.status == 401 and answer.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_staff_invite_a_resident_to_the_portal(aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    cid, admin = community["community"]["id"], community["access_token"]
    tenant = add_resident(cid, "tenant", "inv@example.com")
    board = add_resident(cid, "board", "brd@example.com")
    answer = call("POST", f"/v1/residents/{tenant.id}/portal-invite", token=admin)
    assert answer.status == 202 and answer.body == {"status": "accepted"}, answer.body
    run_account_mail(aws_env)
    ((token, _),) = sign_in_mails(cid, "inv@example.com")
    assert call("POST", "/v1/auth/magic-link/verify", json_body={"token": token}).status == 200
    assert any(e.action == "resident.portal_invited" and e.actor_id == community["user"]["id"]
               for e in audit_events(aws_env))
    not_portal = call("POST", f"/v1/residents/{board.id}/portal-invite", token=admin)
    assert not_portal.status == 422 and not_portal.body["error"]["code"] == "VALIDATION_FAILED"
    other = signup(name="Elm Court", email="eve@example.com")
    elsewhere = call("POST", f"/v1/residents/{tenant.id}/portal-invite", token=other["access_token"])
    assert elsewhere.status == 404 and elsewhere.body["error"]["code"] == "NOT_FOUND"


def test_a_redelivered_request_mails_once(aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    cid, slug = community["community"]["id"], community["community"]["slug"]
    add_resident(cid, "owner", "twice@example.com")
    ask(slug, "twice@example.com")
    event = sqs_event(aws_env["queues"]["AccountMail"])
    assert account_mail.handler(event, FakeContext()) == {"batchItemFailures": []}
    assert account_mail.handler(event, FakeContext()) == {"batchItemFailures": []}  # SQS delivered it again
    assert len(sign_in_mails(cid, "twice@example.com")) == 1


@pytest.mark.usefixtures("fresh_rate_windows")
def test_requests_are_rate_limited_per_ip(aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    slug = community["community"]["slug"]
    for n in range(20):
        ask(slug, f"spray-{n}@example.com")
    limited = call("POST", "/v1/auth/magic-link", json_body={"community": slug, "email": "spray-x@example.com"})
    assert limited.status == 429 and limited.body["error"]["code"] == "RATE_LIMITED"


def test_a_suspended_portal_user_gets_no_link_and_the_role_follows_the_record(
        aws_env: dict[str, Any], community: dict[str, Any]) -> None:
    cid, slug, admin = community["community"]["id"], community["community"]["slug"], community["access_token"]
    resident = add_resident(cid, "owner", "sal@example.com")
    ask(slug, "sal@example.com")
    run_account_mail(aws_env)
    ((token, _),) = sign_in_mails(cid, "sal@example.com")
    user_id = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token}).body["user"]["id"]

    assert call("PATCH", f"/v1/residents/{resident.id}", token=admin, json_body={"role": "tenant"}).status == 200
    ask(slug, "sal@example.com")
    run_account_mail(aws_env)
    token = sign_in_mails(cid, "sal@example.com")[0][0]
    again = call("POST", "/v1/auth/magic-link/verify", json_body={"token": token})
    assert again.status == 200 and again.body["user"]["role"] == "tenant", again.body
    assert again.body["user"]["id"] == user_id

    suspended = call("PATCH", f"/v1/users/{user_id}", token=admin, json_body={"status": "suspended"})
    assert suspended.status == 200, suspended.body
    assert call("GET", "/v1/me", token=again.body["access_token"]).status == 401  # its sessions ended
    ask(slug, "sal@example.com")
    run_account_mail(aws_env)
    assert len(sign_in_mails(cid, "sal@example.com")) == 2  # no third mail
    outcomes = [e.detail["outcome"] for e in audit_events(aws_env) if e.action == "auth.magic_link.requested"]
    assert outcomes == ["sent", "sent", "portal_user_suspended"]
