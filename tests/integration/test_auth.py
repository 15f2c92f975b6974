"""Auth core through the real handlers and authorizer, on moto."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from shared.identity import service, tokens, totp
from shared.platform import clock
from tests.integration.conftest import signup
from tests.support.api import call

pytestmark = pytest.mark.integration


def login(slug: str | None, email: str = "ann@example.com", password: str = "correct horse battery"):  # type: ignore[no-untyped-def]
    body = {"email": email, "password": password}
    if slug is not None:
        body["community"] = slug
    return call("POST", "/v1/auth/login", json_body=body)


def signed_in(body: dict[str, Any], email: str = "ann@example.com") -> dict[str, Any]:
    """Both login steps for a signed-up (MFA-enrolled) admin; a fresh TOTP step each time."""
    first = login(body["community"]["slug"], email)
    assert first.status == 200 and first.body["mfa_required"] is True, first.body
    clock.travel(totp.PERIOD_S)  # a TOTP code is accepted once: the next login needs the next step
    code = pyotp.TOTP(body["totp_secret"]).at(clock.epoch())
    second = call("POST", "/v1/auth/mfa/verify", json_body={"mfa_token": first.body["mfa_token"], "code": code})
    assert second.status == 200, second.body
    return second.body  # type: ignore[no-any-return]


def test_signup_answers_the_contract_token_body() -> None:
    body = signup("Maple Grove HOA", "Dana@Example.com", ready=False)
    assert set(body) == {"community", "user", "access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["community"]["slug"] == "maple-grove-hoa"
    assert body["user"]["email"] == "dana@example.com" and body["user"]["role"] == "admin"
    assert "password_hash" not in body["user"]


def test_same_community_name_gets_a_distinct_slug() -> None:
    first = signup("Cedar Court")["community"]["slug"]
    second = signup("Cedar Court", "bob@example.com")["community"]["slug"]
    assert first == "cedar-court" and second == "cedar-court-2"


def test_login_me_and_community() -> None:
    body = signup("Birch Hill")
    slug = body["community"]["slug"]
    tokens_ = signed_in(body, email="ANN@example.com")
    me = call("GET", "/v1/me", token=tokens_["access_token"])
    assert me.status == 200
    assert me.body["community"]["slug"] == slug and "community.manage" in me.body["permissions"]
    community = call("GET", "/v1/community", token=tokens_["access_token"])
    assert community.body["mfa_required_roles"] == ["admin", "manager", "board"]


@pytest.mark.parametrize(
    ("slug", "email", "password"),
    [("birch", "ann@example.com", "wrong password!"), ("nowhere", "ann@example.com", "correct horse battery"),
     ("birch", "zed@example.com", "correct horse battery"), (None, "ann@example.com", "correct horse battery")],
    ids=["wrong-password", "unknown-community", "unknown-email", "community-user-without-slug"],
)
def test_bad_credentials_all_look_the_same(slug: str | None, email: str, password: str) -> None:
    signup("Birch")
    answer = login(slug, email, password)
    assert answer.status == 401
    assert answer.body["error"]["code"] == "AUTH_INVALID_CREDENTIALS"
    assert answer.body["error"]["message"] == "Wrong community, email or password."


def test_super_admin_signs_in_without_a_community() -> None:
    secret = pyotp.random_base32()
    service.create_super_admin("root@porchlight.dev", "platform password 1", totp_secret=secret)
    answer = login(None, "root@porchlight.dev", "platform password 1")
    assert answer.status == 200 and answer.body["mfa_required"] is True, answer.body
    verified = call("POST", "/v1/auth/mfa/verify",
                    json_body={"mfa_token": answer.body["mfa_token"], "code": pyotp.TOTP(secret).at(clock.now())})
    assert verified.status == 200, verified.body
    assert verified.body["community"] is None and verified.body["user"]["role"] == "super_admin"
    me = call("GET", "/v1/me", token=verified.body["access_token"])
    assert "platform.admin" in me.body["permissions"]
    listed = call("GET", "/v1/admin/communities", token=verified.body["access_token"])
    assert listed.status == 200, listed.body


def test_a_super_admin_without_mfa_can_only_enroll() -> None:
    service.create_super_admin("new@porchlight.dev", "platform password 2")
    answer = login(None, "new@porchlight.dev", "platform password 2")
    assert answer.status == 200 and "access_token" in answer.body
    token = answer.body["access_token"]
    refused = call("GET", "/v1/admin/communities", token=token)
    assert refused.status == 403 and refused.body["error"]["code"] == "MFA_ENROLLMENT_REQUIRED"
    assert call("POST", "/v1/auth/mfa/totp/setup", token=token).status == 200


def test_refresh_rotates_and_reuse_kills_the_whole_family() -> None:
    first = signup()
    rotated = call("POST", "/v1/auth/refresh", json_body={"refresh_token": first["refresh_token"]})
    assert rotated.status == 200, rotated.body
    assert rotated.body["refresh_token"] != first["refresh_token"]
    newer = call("POST", "/v1/auth/refresh", json_body={"refresh_token": rotated.body["refresh_token"]})
    assert newer.status == 200

    reused = call("POST", "/v1/auth/refresh", json_body={"refresh_token": first["refresh_token"]})
    assert reused.status == 401 and reused.body["error"]["code"] == "AUTH_TOKEN_REUSED"
    # The newest token of that family is dead, and so is every access token of the session.
    dead = call("POST", "/v1/auth/refresh", json_body={"refresh_token": newer.body["refresh_token"]})
    assert dead.status == 401 and dead.body["error"]["code"] == "AUTH_TOKEN_INVALID"
    me = call("GET", "/v1/me", token=newer.body["access_token"])
    assert me.status == 401 and me.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_other_sessions_survive_a_reuse_in_one_family() -> None:
    body = signup()
    other = signed_in(body)
    call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]})
    call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]})
    assert call("GET", "/v1/me", token=other["access_token"]).status == 200


@pytest.mark.parametrize("token", ["", "garbage", "c1." + "x" * 43, "01HZZZZZZZZZZZZZZZZZZZZZZZ." + "y" * 43])
def test_unknown_refresh_tokens_are_invalid(token: str) -> None:
    answer = call("POST", "/v1/auth/refresh", json_body={"refresh_token": token})
    assert answer.status in (401, 422)
    assert answer.body["error"]["code"] in ("AUTH_TOKEN_INVALID", "VALIDATION_FAILED")


def test_refresh_token_expires_after_thirty_days() -> None:
    body = signup()
    clock.travel(tokens.REFRESH_TTL_S + 1)
    answer = call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]})
    assert answer.status == 401 and answer.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_access_token_expires_after_fifteen_minutes() -> None:
    body = signup()
    clock.travel(tokens.ACCESS_TTL_S + 1)
    answer = call("GET", "/v1/me", token=body["access_token"])
    assert answer.status == 401 and answer.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_logout_ends_access_and_refresh() -> None:
    body = signup()
    assert call("POST", "/v1/auth/logout", token=body["access_token"]).status == 204
    assert call("GET", "/v1/me", token=body["access_token"]).status == 401
    answer = call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]})
    assert answer.status == 401


def test_missing_or_malformed_authorization() -> None:
    assert call("GET", "/v1/me").status == 401  # API Gateway itself, no identity source
    answer = call("GET", "/v1/me", headers={"authorization": "Basic abc"})
    assert answer.status == 401 and answer.body["error"]["code"] == "AUTH_REQUIRED"
    answer = call("GET", "/v1/me", token="not.a.jwt")
    assert answer.status == 401 and answer.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_sessions_list_and_revoke() -> None:
    body = signup()
    second = signed_in(body)
    listed = call("GET", "/v1/auth/sessions", token=second["access_token"])
    assert listed.status == 200 and len(listed.body["items"]) == 2
    assert sum(item["current"] for item in listed.body["items"]) == 1
    other_id = next(i["id"] for i in listed.body["items"] if not i["current"])
    assert call("DELETE", f"/v1/auth/sessions/{other_id}", token=second["access_token"]).status == 204
    assert call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]}).status == 401
    again = call("DELETE", f"/v1/auth/sessions/{other_id}", token=second["access_token"])
    assert again.status == 404


def test_sessions_paginate_with_a_cursor() -> None:
    body = signup()
    for _ in range(3):
        latest = signed_in(body)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = call("GET", "/v1/auth/sessions", token=latest["access_token"], query=query)
        assert page.status == 200, page.body
        seen += [item["id"] for item in page.body["items"]]
        cursor = page.body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 4


def test_community_a_cannot_touch_community_b() -> None:
    alice = signup("Alpha Towers", "alice@example.com")
    bob = signup("Beta Lofts", "bob@example.com")
    bob_sessions = call("GET", "/v1/auth/sessions", token=bob["access_token"]).body["items"]
    answer = call("DELETE", f"/v1/auth/sessions/{bob_sessions[0]['id']}", token=alice["access_token"])
    assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND"
    assert call("GET", "/v1/me", token=bob["access_token"]).status == 200  # untouched

    for _ in range(2):
        bob_now = signed_in(bob, "bob@example.com")
    page = call("GET", "/v1/auth/sessions", token=bob_now["access_token"], query={"limit": "1"})
    stolen = page.body["next_cursor"]
    alice_now = call("POST", "/v1/auth/refresh", json_body={"refresh_token": alice["refresh_token"]}).body
    answer = call("GET", "/v1/auth/sessions", token=alice_now["access_token"], query={"cursor": stolen})
    assert answer.status == 400 and answer.body["error"]["code"] == "INVALID_CURSOR"
