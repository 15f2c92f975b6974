"""Password reset for every password user (issue 12): forgot → mail → reset, on moto."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pyotp
import pytest

from shared.identity import service as identity_service
from shared.identity import totp
from shared.messaging import repository as outbox
from shared.platform import clock, keys
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_portal import run_account_mail
from tests.support.api import call
from tests.support.portal import add_resident_user
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

_LINK = re.compile(r"/reset-password\?token=([A-Za-z0-9_.\-%]+)")
NEW_PASSWORD = "a brand new passphrase"


def reset_tokens(community_id: str, to: str) -> list[str]:
    messages, _ = outbox.list_all(community_id, limit=200, after=None)
    return [unquote(found.group(1)) for m in messages if m.to == to.lower() and (found := _LINK.search(m.text))]


def forgot(email: str, community: str | None) -> None:
    body = {"email": email} | ({"community": community} if community else {})
    answer = call("POST", "/v1/auth/password/forgot", json_body=body)
    assert answer.status == 202 and answer.body == {"status": "accepted"}, answer.body


def reset(token: str, password: str = NEW_PASSWORD) -> Any:
    return call("POST", "/v1/auth/password/reset", json_body={"token": token, "password": password})


def login(slug: str | None, email: str, password: str) -> Any:
    return call("POST", "/v1/auth/login", json_body={"email": email, "password": password}
                | ({"community": slug} if slug else {}))


def test_reset_ends_every_session_and_mfa_is_still_asked(aws_env: dict[str, Any]) -> None:
    admin = signup()
    cid, slug = admin["community"]["id"], admin["community"]["slug"]
    forgot("ANN@example.com", slug.upper())
    assert reset_tokens(cid, "ann@example.com") == []  # only queued by the handler
    run_account_mail(aws_env)
    (token,) = reset_tokens(cid, "ann@example.com")

    weak = reset(token, "the oak park password")  # the community's name: refused, the token kept
    assert weak.status == 422 and weak.body["error"]["details"][0]["field"] == "password"
    done = reset(token)
    assert done.status == 200 and done.body == {"password_reset": True}, done.body

    dead = call("POST", "/v1/auth/refresh", json_body={"refresh_token": admin["refresh_token"]})
    assert dead.status == 401 and dead.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    assert call("GET", "/v1/me", token=admin["access_token"]).status == 401
    old = login(slug, "ann@example.com", "correct horse battery")
    assert old.status == 401 and old.body["error"]["code"] == "AUTH_INVALID_CREDENTIALS"
    new = login(slug, "ann@example.com", NEW_PASSWORD)
    assert new.status == 200 and new.body["mfa_required"] is True, new.body
    clock.travel(totp.PERIOD_S)  # the enrolment used this step's code: the next step's
    verified = call("POST", "/v1/auth/mfa/verify", json_body={
        "mfa_token": new.body["mfa_token"], "code": pyotp.TOTP(admin["totp_secret"]).at(clock.epoch())})
    assert verified.status == 200, verified.body

    reused = reset(token, "yet another passphrase")
    assert reused.status == 401 and reused.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    actions = [(e.action, e.detail.get("outcome")) for e in audit_events(aws_env) if "password" in e.action]
    assert ("auth.password.reset_requested", "sent") in actions and ("auth.password.reset", None) in actions
    assert ("auth.password.reset_refused", None) in actions


def test_the_link_expires_after_thirty_minutes(aws_env: dict[str, Any]) -> None:
    admin = signup(ready=False)
    cid, slug = admin["community"]["id"], admin["community"]["slug"]
    forgot("ann@example.com", slug)
    run_account_mail(aws_env)
    (token,) = reset_tokens(cid, "ann@example.com")
    clock.travel(30 * 60 + 1)
    expired = reset(token)
    assert expired.status == 401 and expired.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_the_super_admin_resets_without_a_community(aws_env: dict[str, Any]) -> None:
    identity_service.create_super_admin("root@porchlight.dev", "root password 123",
                                        totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    forgot("root@porchlight.dev", None)
    run_account_mail(aws_env)
    (token,) = reset_tokens(keys.PLATFORM, "root@porchlight.dev")
    assert reset(token).status == 200
    assert login(None, "root@porchlight.dev", "root password 123").status == 401
    answer = login(None, "root@porchlight.dev", NEW_PASSWORD)
    assert answer.status == 200 and answer.body["mfa_required"] is True


def test_no_mail_for_unknown_addresses_or_passwordless_users(aws_env: dict[str, Any]) -> None:
    admin = signup(ready=False)
    cid, slug = admin["community"]["id"], admin["community"]["slug"]
    portal_user = add_resident_user(cid, Role.TENANT)
    forgot("nobody@example.com", slug)
    forgot(portal_user.email, slug)  # a resident signs in by magic link: nothing to reset
    forgot("ann@example.com", "no-such-community")
    forgot("ann@example.com", None)  # a community admin is not the platform's
    run_account_mail(aws_env)
    assert reset_tokens(cid, "nobody@example.com") == reset_tokens(cid, portal_user.email) == []
    assert reset_tokens(cid, "ann@example.com") == reset_tokens(keys.PLATFORM, "ann@example.com") == []
    outcomes = sorted(e.detail["outcome"] for e in audit_events(aws_env)
                      if e.action == "auth.password.reset_requested")
    assert outcomes == ["unknown_address", "unknown_address", "unknown_address"]


@pytest.mark.usefixtures("fresh_rate_windows")
def test_forgot_is_rate_limited_per_address(aws_env: dict[str, Any]) -> None:
    for _ in range(5):
        forgot("someone@example.com", "oak-park")
    limited = call("POST", "/v1/auth/password/forgot",
                   json_body={"community": "oak-park", "email": "someone@example.com"})
    assert limited.status == 429 and limited.body["error"]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize("body", [{}, {"token": "x"}, {"token": "x", "password": "short"},
                                  {"token": "x", "password": "long enough here", "extra": 1}])
def test_bad_reset_requests_are_422(body: dict[str, Any]) -> None:
    answer = call("POST", "/v1/auth/password/reset", json_body=body)
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED"
