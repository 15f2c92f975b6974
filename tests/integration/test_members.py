"""Email verification, invitations, users (role, suspension), community settings, the audit trail,
and the super-admin command (issue 4)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyotp
import pytest

from functions.workers.deliver import PORTS
from shared.audit import store
from shared.identity import __main__ as identity_command
from shared.identity import repository
from shared.messaging import delivery
from shared.messaging.models import Message, MessageStatus
from shared.platform import clock
from shared.platform.channels import Category, Channel
from tests.integration.conftest import signup
from tests.integration.test_mfa import PASSWORD, _invited, login, next_code
from tests.support.api import call
from tests.support.identity import enroll, mailed_token
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration


def _send(method: str, path: str, token: str | None, body: Any) -> tuple[int, Any]:
    answer = call(method, path, token=token, json_body=body)
    return answer.status, answer.body


def _template(token: str) -> str:
    answer = call("POST", "/v1/templates", token=token, json_body={
        "name": "t", "channel": "email", "category": "transactional", "subject": "Hi", "html": "<p>Hi</p>"})
    assert answer.status == 201, answer.body
    return str(answer.body["id"])


def test_an_unverified_admin_cannot_send_until_the_mailed_link_is_used() -> None:
    body = signup(ready=False)
    enroll(_send, body["access_token"])
    token = call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]}).body["access_token"]
    message = {"channel": "email", "template_id": _template(token), "to": "r@example.com"}
    refused = call("POST", "/v1/messages", token=token, json_body=message)
    assert refused.status == 403 and refused.body["error"]["code"] == "EMAIL_UNVERIFIED"
    link = mailed_token(body["community"]["id"], "ann@example.com", "/verify-email")
    assert call("POST", "/v1/auth/verify-email", json_body={"token": link}).status == 200
    again = call("POST", "/v1/auth/verify-email", json_body={"token": link})
    assert again.status == 401 and again.body["error"]["code"] == "AUTH_TOKEN_INVALID"  # single use
    assert call("POST", "/v1/messages", token=token, json_body=message).status == 202
    me = call("GET", "/v1/me", token=token).body
    assert me["user"]["email_verified"] is True


def test_verification_links_expire_and_can_be_resent() -> None:
    body = signup(ready=False)
    link = mailed_token(body["community"]["id"], "ann@example.com", "/verify-email")
    clock.travel(49 * 3600)
    assert call("POST", "/v1/auth/verify-email", json_body={"token": link}).status == 401
    fresh = call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]}).body
    assert call("POST", "/v1/auth/verify-email/resend", token=fresh["access_token"]).status == 204
    newer = mailed_token(body["community"]["id"], "ann@example.com", "/verify-email")
    assert newer != link
    assert call("POST", "/v1/auth/verify-email", json_body={"token": newer}).status == 200


def test_invitation_accept_once_and_resend_voids_the_old_link() -> None:
    admin = signup()
    invited = call("POST", "/v1/users/invitations", token=admin["access_token"],
                   json_body={"email": "Manny@Example.com", "role": "manager", "full_name": "Manny"})
    assert invited.status == 201 and invited.body["status"] == "pending"
    assert invited.body["email"] == "manny@example.com"
    first_link = mailed_token(admin["community"]["id"], "manny@example.com", "/accept-invitation")
    twice = call("POST", "/v1/users/invitations", token=admin["access_token"],
                 json_body={"email": "manny@example.com", "role": "manager"})
    assert twice.status == 409
    resent = call("POST", f"/v1/users/invitations/{invited.body['id']}/resend", token=admin["access_token"])
    assert resent.status == 200
    second_link = mailed_token(admin["community"]["id"], "manny@example.com", "/accept-invitation")
    assert second_link != first_link
    old = call("POST", "/v1/auth/invitations/accept",
               json_body={"token": first_link, "password": PASSWORD, "full_name": "Manny"})
    assert old.status == 401 and old.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    accepted = call("POST", "/v1/auth/invitations/accept",
                    json_body={"token": second_link, "password": PASSWORD, "full_name": "Manny M"})
    assert accepted.status == 200 and accepted.body["user"]["role"] == "manager"
    assert accepted.body["user"]["email_verified"] is True and accepted.body["user"]["mfa_required"] is True
    replay = call("POST", "/v1/auth/invitations/accept",
                  json_body={"token": second_link, "password": PASSWORD, "full_name": "Manny M"})
    assert replay.status == 401
    listed = call("GET", "/v1/users/invitations", token=admin["access_token"]).body["items"]
    assert [i["status"] for i in listed] == ["accepted"]
    users = call("GET", "/v1/users", token=admin["access_token"]).body["items"]
    assert sorted(u["email"] for u in users) == ["ann@example.com", "manny@example.com"]


def test_an_invitation_expires_after_seven_days() -> None:
    admin = signup()
    call("POST", "/v1/users/invitations", token=admin["access_token"], json_body={"email": "t@example.com",
                                                                                  "role": "tenant"})
    link = mailed_token(admin["community"]["id"], "t@example.com", "/accept-invitation")
    call("POST", "/v1/users/invitations", token=admin["access_token"], json_body={"email": "u@example.com",
                                                                                  "role": "tenant"})
    in_time = mailed_token(admin["community"]["id"], "u@example.com", "/accept-invitation")
    seven_days = 7 * 24 * 3600  # the contract's number, not the code's constant
    clock.travel(seven_days - 60)
    early = call("POST", "/v1/auth/invitations/accept", json_body={"token": in_time, "password": PASSWORD,
                                                                   "full_name": "U"})
    assert early.status == 200, early.body  # a minute before the week is out, the link still works
    clock.travel(61)
    late = call("POST", "/v1/auth/invitations/accept", json_body={"token": link, "password": PASSWORD,
                                                                  "full_name": "T"})
    assert late.status == 401
    listed = call("GET", "/v1/users/invitations", token=admin["access_token"])
    assert listed.status == 401  # the admin's own access token expired too: clock moved 7 days
    fresh = call("POST", "/v1/auth/refresh", json_body={"refresh_token": admin["refresh_token"]}).body
    statuses = {i["email"]: i["status"] for i in call("GET", "/v1/users/invitations",
                                                      token=fresh["access_token"]).body["items"]}
    assert statuses == {"t@example.com": "expired", "u@example.com": "accepted"}


@pytest.mark.parametrize("payload", [{"email": "x@example.com", "role": "super_admin"},
                                     {"email": "not-an-email", "role": "owner"},
                                     {"email": "x@example.com", "role": "owner", "extra": 1}])
def test_bad_invitations_are_422(payload: dict[str, Any]) -> None:
    admin = signup()
    answer = call("POST", "/v1/users/invitations", token=admin["access_token"], json_body=payload)
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED"


def test_a_board_member_must_enroll_and_cannot_disable_afterwards() -> None:
    admin = signup()
    board = _invited(admin, "board")
    blocked = call("GET", "/v1/residents", token=board["access_token"])
    assert blocked.status == 403 and blocked.body["error"]["code"] == "MFA_ENROLLMENT_REQUIRED"
    assert call("GET", "/v1/me", token=board["access_token"]).status == 200
    secret, _ = enroll(_send, board["access_token"])
    full = call("POST", "/v1/auth/refresh", json_body={"refresh_token": board["refresh_token"]}).body
    assert call("GET", "/v1/residents", token=full["access_token"]).status == 200
    refused = call("POST", "/v1/auth/mfa/totp/disable", token=full["access_token"],
                   json_body={"code": next_code(secret)})
    assert refused.status == 403 and refused.body["error"]["code"] == "MFA_REQUIRED_BY_POLICY"


def test_suspension_ends_sessions_at_once() -> None:
    admin = signup()
    owner = _invited(admin, "owner")
    assert call("GET", "/v1/me", token=owner["access_token"]).status == 200
    patched = call("PATCH", f"/v1/users/{owner['user']['id']}", token=admin["access_token"],
                   json_body={"status": "suspended"})
    assert patched.status == 200 and patched.body["status"] == "suspended"
    refresh = call("POST", "/v1/auth/refresh", json_body={"refresh_token": owner["refresh_token"]})
    assert refresh.status == 401 and refresh.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    # The authorizer checks the session on every (uncached) call; in AWS a cached allow lasts at
    # most AUTHORIZER_CACHE_TTL_S (tests/e2e shows the bound on the local runtime).
    assert call("GET", "/v1/me", token=owner["access_token"]).status == 401
    assert login(admin["community"]["slug"], "owner@example.com").status == 401
    back = call("PATCH", f"/v1/users/{owner['user']['id']}", token=admin["access_token"],
                json_body={"status": "active"})
    assert back.status == 200 and login(admin["community"]["slug"], "owner@example.com").status == 200


def test_role_changes_are_guarded_and_audited(aws_env: dict[str, Any]) -> None:
    admin = signup()
    me = admin["user"]["id"]
    self_change = call("PATCH", f"/v1/users/{me}", token=admin["access_token"], json_body={"role": "owner"})
    assert self_change.status == 409
    manager = _invited(admin, "manager")
    promoted = call("PATCH", f"/v1/users/{manager['user']['id']}", token=admin["access_token"],
                    json_body={"role": "admin"})
    assert promoted.status == 200 and promoted.body["role"] == "admin"
    # The promoted user's old token carried the old role: its session ended.
    assert call("GET", "/v1/me", token=manager["access_token"]).status == 401
    bad = call("PATCH", f"/v1/users/{manager['user']['id']}", token=admin["access_token"],
               json_body={"role": "super_admin"})
    assert bad.status == 422
    other = signup("Elsewhere", "bob@example.com")
    foreign = call("PATCH", f"/v1/users/{manager['user']['id']}", token=other["access_token"],
                   json_body={"status": "suspended"})
    assert foreign.status == 404
    changed = [e for e in audit_events(aws_env) if e.action == "user.role_changed"]
    assert len(changed) == 1 and changed[0].actor_id == me and changed[0].target == manager["user"]["id"]
    assert changed[0].detail["before"] == {"role": "manager"} and changed[0].detail["after"] == {"role": "admin"}
    assert changed[0].ip == "203.0.113.9" and changed[0].user_agent == "pytest"


def test_the_last_admin_cannot_be_removed() -> None:
    admin = signup()
    second = _invited(admin, "admin", "second@example.com")
    enroll(_send, second["access_token"])
    second_full = call("POST", "/v1/auth/refresh", json_body={"refresh_token": second["refresh_token"]}).body
    demote = call("PATCH", f"/v1/users/{admin['user']['id']}", token=second_full["access_token"],
                  json_body={"role": "manager"})
    assert demote.status == 200
    # Now `second` is the only admin; nobody else can demote it, and it cannot demote itself.
    alone = call("PATCH", f"/v1/users/{second['user']['id']}", token=second_full["access_token"],
                 json_body={"status": "suspended"})
    assert alone.status == 409


def test_community_settings_patch_validates_and_audits(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    patched = call("PATCH", "/v1/community", token=token, json_body={
        "name": "Oak Park Condos", "timezone": "America/Toronto",
        "sender": {"from_name": "Oak Park Board", "reply_to": "board@oakpark.example.com"},
        "branding": {"primary_color": "#336699"}})
    assert patched.status == 200, patched.body
    assert patched.body["sender"] == {"from_name": "Oak Park Board", "reply_to": "board@oakpark.example.com"}
    assert call("GET", "/v1/community", token=token).body["timezone"] == "America/Toronto"
    # Mail now goes out under the sender settings (only the verified domain is ever the address).
    now = clock.iso()
    mail = delivery.build_email(Message(
        id="m1", community_id=admin["community"]["id"], channel=Channel.EMAIL, category=Category.TRANSACTIONAL,
        to="r@example.com", status=MessageStatus.QUEUED, subject="s", text="t", created_at=now, updated_at=now), PORTS)
    assert mail["From"].startswith("Oak Park Board <no-reply@")
    assert mail["Reply-To"] == "board@oakpark.example.com"
    for bad in ({"timezone": "Mars/Olympus"}, {"mfa_required_roles": ["super_admin"]},
                {"sender": {"reply_to": "nope"}}, {"branding": {"primary_color": "red"}}, {"slug": "x"}):
        answer = call("PATCH", "/v1/community", token=token, json_body=bad)
        assert answer.status == 422, (bad, answer.body)
    changes = [e for e in audit_events(aws_env) if e.action == "community.settings_changed"]
    assert len(changes) == 1
    assert changes[0].detail["before"]["name"] == "Oak Park" and changes[0].detail["after"]["name"] == "Oak Park Condos"


def _stored_audit(aws_env: dict[str, Any]) -> None:
    events = audit_events(aws_env)
    records = [{"messageId": e.id, "body": e.model_dump_json()} for e in events]
    assert store.store_records(records) == []


def test_audit_search_and_exports(aws_env: dict[str, Any]) -> None:
    admin = signup()
    slug = admin["community"]["slug"]
    login(slug, password="wrong password")
    call("POST", "/v1/auth/login", headers={"user-agent": '=HYPERLINK("https://evil.example")'},
         json_body={"community": slug, "email": "nobody@example.com", "password": "x"})
    _stored_audit(aws_env)
    token = admin["access_token"]
    everything = call("GET", "/v1/audit", token=token).body["items"]
    assert {"community.created", "auth.mfa.enabled", "auth.login.failed"} <= {e["action"] for e in everything}
    times = [e["at"] for e in everything]
    assert times == sorted(times, reverse=True)
    failed = call("GET", "/v1/audit", token=token, query={"action": "auth.login.failed"}).body["items"]
    assert len(failed) == 2 and all(e["ip"] == "203.0.113.9" for e in failed)
    assert {e["user_agent"] for e in failed} == {"pytest", '=HYPERLINK("https://evil.example")'}
    mine = call("GET", "/v1/audit", token=token, query={"actor": admin["user"]["id"]}).body["items"]
    assert mine and all(e["actor_id"] == admin["user"]["id"] for e in mine)
    future = call("GET", "/v1/audit", token=token, query={"from": "2999-01-01"}).body["items"]
    assert future == []
    page = call("GET", "/v1/audit", token=token, query={"limit": "2"}).body
    assert len(page["items"]) == 2 and page["next_cursor"]
    jsonl = call("GET", "/v1/audit/export", token=token, query={"format": "jsonl"})
    assert jsonl.status == 200 and jsonl.headers["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.body.splitlines()]
    assert len(lines) == len(everything)
    exported = call("GET", "/v1/audit/export", token=token, query={"format": "csv", "action": "auth.login.failed"})
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.body)))
    assert len(rows) == 2 and not any(cell.startswith("=") for row in rows for cell in row.values())
    assert "'=HYPERLINK(\"https://evil.example\")" in {row["user_agent"] for row in rows}
    other = signup("Elsewhere", "bob@example.com")
    assert call("GET", "/v1/audit", token=other["access_token"], query={"cursor": page["next_cursor"]}).status == 400
    bad = call("GET", "/v1/audit", token=token, query={"from": "yesterday"})
    assert bad.status == 422


def test_the_super_admin_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PORCHLIGHT_SUPER_ADMIN_PASSWORD", "a long platform password")
    assert identity_command.main(["create-super-admin", "--email", "Ops@Porchlight.dev"]) == 0
    printed = capsys.readouterr().out
    secret = next(line.split()[-1] for line in printed.splitlines() if line.startswith("TOTP secret"))
    assert "otpauth://totp/Porchlight:platform%3Aops%40porchlight.dev" in printed
    first = login(None, "ops@porchlight.dev", "a long platform password")
    assert first.body["mfa_required"] is True
    verified = call("POST", "/v1/auth/mfa/verify",
                    json_body={"mfa_token": first.body["mfa_token"], "code": pyotp.TOTP(secret).at(clock.now())})
    assert verified.status == 200 and verified.body["user"]["role"] == "super_admin"
    assert identity_command.main(["create-super-admin", "--email", "ops@porchlight.dev"]) == 1
    user = repository.user_by_email("platform", "ops@porchlight.dev")
    assert user is not None and user.mfa_enabled
