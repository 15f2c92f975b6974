"""TOTP enrollment, the two-step login, backup codes, policy, lockout and rate limits (issue 4)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pyotp
import pytest

from shared.identity import repository, service, totp
from shared.platform import clock, ratelimit
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.identity import mailed_token

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"


def login(slug: str | None, email: str = "ann@example.com", password: str = PASSWORD) -> Any:
    body: dict[str, Any] = {"email": email, "password": password}
    if slug is not None:
        body["community"] = slug
    return call("POST", "/v1/auth/login", json_body=body)


def verify(mfa_token: str, **code: str) -> Any:
    return call("POST", "/v1/auth/mfa/verify", json_body={"mfa_token": mfa_token, **code})


def next_code(secret: str) -> str:
    """The code of the next time step (a step is accepted once, so each login moves the clock)."""
    clock.travel(totp.PERIOD_S)
    return pyotp.TOTP(secret).at(clock.epoch())


def test_setup_returns_an_authenticator_compatible_secret() -> None:
    body = signup(ready=False)
    setup = call("POST", "/v1/auth/mfa/totp/setup", token=body["access_token"])
    assert setup.status == 200, setup.body
    uri = pyotp.parse_uri(setup.body["otpauth_uri"])
    assert isinstance(uri, pyotp.TOTP) and uri.issuer == "Porchlight"
    assert uri.digits == 6 and uri.interval == 30 and uri.secret == setup.body["secret"]
    assert uri.name == f"{body['community']['slug']}:ann@example.com"
    assert setup.body["qr_svg"].startswith("<svg") and "</svg>" in setup.body["qr_svg"]
    wrong = call("POST", "/v1/auth/mfa/totp/confirm", token=body["access_token"], json_body={"code": "000000"})
    assert wrong.status == 401 and wrong.body["error"]["code"] == "MFA_INVALID_CODE"
    confirmed = call("POST", "/v1/auth/mfa/totp/confirm", token=body["access_token"],
                     json_body={"code": pyotp.TOTP(setup.body["secret"]).at(clock.now())})
    assert confirmed.status == 200
    codes = confirmed.body["backup_codes"]
    assert len(codes) == len(set(codes)) == 10


def test_the_secret_is_sealed_at_rest(aws_env: dict[str, Any]) -> None:
    body = signup()
    raw = boto3.client("dynamodb").scan(TableName=aws_env["table"])["Items"]
    assert body["totp_secret"] not in json.dumps(raw)
    user = repository.get_user(body["community"]["id"], body["user"]["id"])
    assert user is not None and user.totp_secret and user.mfa_enabled and len(user.backup_codes) == 10


def test_two_step_login_a_code_once_and_backup_codes_once() -> None:
    body = signup()
    slug = body["community"]["slug"]
    first = login(slug)
    assert first.status == 200 and first.body["mfa_required"] is True
    assert first.body["methods"] == ["totp", "backup_code"] and "access_token" not in first.body
    code = next_code(body["totp_secret"])
    ok = verify(first.body["mfa_token"], code=code)
    assert ok.status == 200 and ok.body["user"]["mfa_enabled"] is True
    assert call("GET", "/v1/community", token=ok.body["access_token"]).status == 200
    # The same code again, on a fresh login: refused (replay), though still inside its window.
    again = login(slug)
    replay = verify(again.body["mfa_token"], code=code)
    assert replay.status == 401 and replay.body["error"]["code"] == "MFA_INVALID_CODE"
    backup = body["backup_codes"][0]
    used = verify(again.body["mfa_token"], backup_code=backup.upper().replace("-", " "))
    assert used.status == 200, used.body
    third = login(slug)
    reused = verify(third.body["mfa_token"], backup_code=backup)
    assert reused.status == 401 and reused.body["error"]["code"] == "MFA_INVALID_CODE"
    # The mfa_token is single-use too.
    done = verify(again.body["mfa_token"], code=next_code(body["totp_secret"]))
    assert done.status == 401 and done.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_five_wrong_codes_void_the_mfa_token() -> None:
    body = signup()
    first = login(body["community"]["slug"])
    for _ in range(5):
        wrong = verify(first.body["mfa_token"], code="123456")
        assert wrong.status == 401 and wrong.body["error"]["code"] == "MFA_INVALID_CODE"
    voided = verify(first.body["mfa_token"], code=next_code(body["totp_secret"]))
    assert voided.status == 401 and voided.body["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_the_mfa_token_expires() -> None:
    body = signup()
    first = login(body["community"]["slug"])
    clock.travel(service.MFA_TOKEN_TTL_S + 1)
    late = verify(first.body["mfa_token"], code=pyotp.TOTP(body["totp_secret"]).at(clock.epoch()))
    assert late.status == 401 and late.body["error"]["code"] == "AUTH_TOKEN_INVALID"


@pytest.mark.parametrize("payload", [{}, {"mfa_token": "x"}, {"mfa_token": "x", "code": "1", "backup_code": "2"}])
def test_verify_needs_exactly_one_factor(payload: dict[str, str]) -> None:
    answer = call("POST", "/v1/auth/mfa/verify", json_body=payload)
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED"


def test_regenerated_backup_codes_replace_the_old_ones() -> None:
    body = signup()
    fresh = call("POST", "/v1/auth/mfa/backup-codes", token=body["access_token"],
                 json_body={"code": next_code(body["totp_secret"])})
    assert fresh.status == 200 and len(fresh.body["backup_codes"]) == 10
    first = login(body["community"]["slug"])
    old = verify(first.body["mfa_token"], backup_code=body["backup_codes"][1])
    assert old.status == 401
    new = verify(first.body["mfa_token"], backup_code=fresh.body["backup_codes"][0])
    assert new.status == 200


def test_an_admin_cannot_disable_mfa_but_an_owner_can() -> None:
    body = signup()
    refused = call("POST", "/v1/auth/mfa/totp/disable", token=body["access_token"],
                   json_body={"code": next_code(body["totp_secret"])})
    assert refused.status == 403 and refused.body["error"]["code"] == "MFA_REQUIRED_BY_POLICY"
    # Relax the policy for admins: now it may be turned off (with a valid code only).
    assert call("PATCH", "/v1/community", token=body["access_token"],
                json_body={"mfa_required_roles": ["manager"]}).status == 200
    wrong = call("POST", "/v1/auth/mfa/totp/disable", token=body["access_token"], json_body={"code": "000000"})
    assert wrong.status == 401
    off = call("POST", "/v1/auth/mfa/totp/disable", token=body["access_token"],
               json_body={"code": next_code(body["totp_secret"])})
    assert off.status == 204
    plain = login(body["community"]["slug"])
    assert plain.status == 200 and "access_token" in plain.body


def test_a_policy_change_restricts_unenrolled_users_at_their_next_token() -> None:
    body = signup()
    owner = _invited(body, "owner")
    assert owner["user"]["mfa_required"] is False
    assert call("GET", "/v1/messages", token=owner["access_token"]).status == 200  # MFA optional for owners
    assert call("PATCH", "/v1/community", token=body["access_token"],
                json_body={"mfa_required_roles": ["admin", "owner"]}).status == 200
    refreshed = call("POST", "/v1/auth/refresh", json_body={"refresh_token": owner["refresh_token"]}).body
    answer = call("GET", "/v1/messages", token=refreshed["access_token"])
    assert answer.status == 403 and answer.body["error"]["code"] == "MFA_ENROLLMENT_REQUIRED"


def _invited(admin: dict[str, Any], role: str, email: str | None = None) -> dict[str, Any]:
    email = email or f"{role}@example.com"
    invited = call("POST", "/v1/users/invitations", token=admin["access_token"],
                   json_body={"email": email, "role": role})
    assert invited.status == 201, invited.body
    token = mailed_token(admin["community"]["id"], email, "/accept-invitation")
    accepted = call("POST", "/v1/auth/invitations/accept",
                    json_body={"token": token, "password": PASSWORD, "full_name": role.title()})
    assert accepted.status == 200, accepted.body
    return accepted.body  # type: ignore[no-any-return]


def test_five_wrong_passwords_lock_the_account_for_ten_minutes() -> None:
    body = signup()
    slug = body["community"]["slug"]
    for _ in range(4):
        assert login(slug, password="wrong password").body["error"]["code"] == "AUTH_INVALID_CREDENTIALS"
    fifth = login(slug, password="wrong password")
    assert fifth.status == 429 and fifth.body["error"]["code"] == "AUTH_LOCKED"
    right = login(slug)
    assert right.status == 429 and right.body["error"]["code"] == "AUTH_LOCKED"
    clock.travel(service.LOCK_S + 1)
    assert login(slug).status == 200


def test_a_success_resets_the_failure_count() -> None:
    body = signup()
    slug = body["community"]["slug"]
    for _ in range(4):
        login(slug, password="wrong password")
    assert login(slug).status == 200
    for _ in range(4):
        assert login(slug, password="wrong password").status == 401


@pytest.mark.usefixtures("fresh_rate_windows")
def test_login_attempts_are_rate_limited_per_account() -> None:
    body = signup()
    slug = body["community"]["slug"]
    answers = [login(slug, email="nobody@example.com", password="whatever it is").body["error"]["code"]
               for _ in range(ratelimit.LOGIN_PER_ACCOUNT.limit)]
    # An account that does not exist locks at the fifth failure like a real one (no lockout oracle);
    # the per-account rate limit still counts every attempt, locked or not.
    assert answers == ["AUTH_INVALID_CREDENTIALS"] * 4 + ["AUTH_LOCKED"] * (ratelimit.LOGIN_PER_ACCOUNT.limit - 4)
    limited = login(slug, email="nobody@example.com", password="whatever it is")
    assert limited.status == 429 and limited.body["error"]["code"] == "RATE_LIMITED"
    clock.travel(ratelimit.LOGIN_PER_ACCOUNT.window_s)
    assert login(slug, email="nobody@example.com", password="whatever it is").body["error"]["code"] == "AUTH_LOCKED"


@pytest.mark.usefixtures("fresh_rate_windows")
def test_signups_are_rate_limited_per_ip() -> None:
    for i in range(ratelimit.SIGNUP_PER_IP.limit):
        signup(f"Community {i}", f"a{i}@example.com", ready=False)
    answer = call("POST", "/v1/auth/signup", json_body={"community_name": "One Too Many", "email": "z@example.com",
                                                        "password": PASSWORD, "full_name": "Z"})
    assert answer.status == 429 and answer.body["error"]["code"] == "RATE_LIMITED"


@pytest.mark.usefixtures("fresh_rate_windows")
@pytest.mark.parametrize(("rule", "path", "body"), [
    (ratelimit.LOGIN_PER_IP, "/v1/auth/login", lambda i: {"community": "nowhere", "email": f"u{i}@example.com",
                                                          "password": "whatever it is"}),
    (ratelimit.MFA_PER_IP, "/v1/auth/mfa/verify", lambda i: {"mfa_token": f"bogus-{i}", "code": "123456"}),
    (ratelimit.VERIFY_EMAIL_PER_IP, "/v1/auth/verify-email", lambda i: {"token": f"bogus-{i}"}),
    (ratelimit.INVITE_ACCEPT_PER_IP, "/v1/auth/invitations/accept",
     lambda i: {"token": f"bogus-{i}", "password": "long enough password", "full_name": "X"}),
])
def test_public_auth_endpoints_are_rate_limited_per_ip(rule: ratelimit.Rule, path: str, body: Any) -> None:
    """Each attempt fails on its own merits until the IP's window is full; then 429. The IP is API
    Gateway's source IP: a client-set X-Forwarded-For does not open a new window."""
    answers = [call("POST", path, json_body=body(i)).status for i in range(rule.limit)]
    assert 429 not in answers
    limited = call("POST", path, json_body=body(rule.limit))
    assert limited.status == 429 and limited.body["error"]["code"] == "RATE_LIMITED"
    spoofed = call("POST", path, json_body=body(0), headers={"x-forwarded-for": "198.51.100.24"})
    assert spoofed.status == 429
    clock.travel(rule.window_s)
    assert call("POST", path, json_body=body(0)).status != 429


@pytest.mark.usefixtures("fresh_rate_windows")
def test_mfa_codes_are_rate_limited_per_account_across_mfa_tokens() -> None:
    """Five codes per mfa_token, and at most MFA_PER_ACCOUNT codes per account per window however
    many tokens a password yields: a 6-digit code cannot be brute-forced."""
    body = signup()
    slug, email = body["community"]["slug"], body["user"]["email"]
    statuses: list[int] = []
    while len(statuses) <= ratelimit.MFA_PER_ACCOUNT.limit:
        first = login(slug, email=email, password="correct horse battery")
        token = first.body["mfa_token"]
        for _ in range(5):
            statuses.append(call("POST", "/v1/auth/mfa/verify",
                                 json_body={"mfa_token": token, "code": "000000"}).status)
    assert statuses[:ratelimit.MFA_PER_ACCOUNT.limit] == [401] * ratelimit.MFA_PER_ACCOUNT.limit
    assert statuses[ratelimit.MFA_PER_ACCOUNT.limit] == 429


@pytest.mark.usefixtures("fresh_rate_windows")
def test_verification_mail_resends_are_rate_limited_per_account() -> None:
    token = signup(ready=False)["access_token"]
    answers = [call("POST", "/v1/auth/verify-email/resend", token=token).status
               for _ in range(ratelimit.RESEND_VERIFICATION_PER_ACCOUNT.limit + 1)]
    assert 429 not in answers[:-1] and answers[-1] == 429
