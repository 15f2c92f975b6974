"""Issue 4's must-shows over HTTP against the local runtime, as the SPA would call it."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pyotp
import pytest

from tests.e2e.conftest import Api, mailbox_token, signup_ready

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


def _login(api: Api, slug: str, email: str, password: str = PASSWORD) -> Any:
    return api.post("/v1/auth/login", json={"community": slug, "email": email, "password": password})


def _invite(api: Api, admin: dict[str, Any], role: str) -> dict[str, Any]:
    email = f"{role}-{uuid.uuid4().hex[:6]}@example.com"
    invited = api.post("/v1/users/invitations", token=admin["access_token"], json={"email": email, "role": role})
    assert invited.status_code == 201, invited.text
    token = mailbox_token(api, email, "/accept-invitation")
    accepted = api.post("/v1/auth/invitations/accept", json={"token": token, "password": PASSWORD,
                                                             "full_name": role.title()})
    assert accepted.status_code == 200, accepted.text
    return accepted.json() | {"email": email}  # type: ignore[no-any-return]


def test_enroll_then_two_step_login_codes_once_backup_once(api: Api) -> None:
    admin = signup_ready(api)
    slug, secret = admin["community"]["slug"], admin["totp_secret"]
    # Enrollment used the current step; the next step's code is inside the window already.
    code = pyotp.TOTP(secret).at(int(time.time()) + 30)
    first = _login(api, slug, admin["email"])
    assert first.status_code == 200 and first.json()["mfa_required"] is True
    assert first.json()["methods"] == ["totp", "backup_code"]
    ok = api.post("/v1/auth/mfa/verify", json={"mfa_token": first.json()["mfa_token"], "code": code})
    assert ok.status_code == 200, ok.text
    assert api.get("/v1/users", token=ok.json()["access_token"]).status_code == 200
    second = _login(api, slug, admin["email"])
    replay = api.post("/v1/auth/mfa/verify", json={"mfa_token": second.json()["mfa_token"], "code": code})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "MFA_INVALID_CODE"
    backup = admin["backup_codes"][0]
    used = api.post("/v1/auth/mfa/verify", json={"mfa_token": second.json()["mfa_token"], "backup_code": backup})
    assert used.status_code == 200, used.text
    third = _login(api, slug, admin["email"])
    again = api.post("/v1/auth/mfa/verify", json={"mfa_token": third.json()["mfa_token"], "backup_code": backup})
    assert again.status_code == 401 and again.json()["error"]["code"] == "MFA_INVALID_CODE"


def test_board_member_must_enroll_first_and_cannot_disable_after(api: Api) -> None:
    admin = signup_ready(api)
    board = _invite(api, admin, "board")
    blocked = api.get("/v1/residents", token=board["access_token"])
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "MFA_ENROLLMENT_REQUIRED"
    setup = api.post("/v1/auth/mfa/totp/setup", token=board["access_token"]).json()
    confirmed = api.post("/v1/auth/mfa/totp/confirm", token=board["access_token"],
                         json={"code": pyotp.TOTP(setup["secret"]).now()})
    assert confirmed.status_code == 200 and len(confirmed.json()["backup_codes"]) == 10
    full = api.post("/v1/auth/refresh", json={"refresh_token": board["refresh_token"]}).json()
    assert api.get("/v1/residents", token=full["access_token"]).status_code == 200
    refused = api.post("/v1/auth/mfa/totp/disable", token=full["access_token"],
                       json={"code": pyotp.TOTP(setup["secret"]).at(int(time.time()) + 30)})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "MFA_REQUIRED_BY_POLICY"


def test_lockout_and_an_owners_optional_mfa(api: Api) -> None:
    admin = signup_ready(api)
    owner = _invite(api, admin, "owner")
    assert owner["user"]["mfa_required"] is False
    assert api.get("/v1/messages", token=owner["access_token"]).status_code == 200
    slug = admin["community"]["slug"]
    plain = _login(api, slug, owner["email"])
    assert plain.status_code == 200 and "access_token" in plain.json()  # no second step for an owner
    codes = [_login(api, slug, owner["email"], "wrong password").json()["error"]["code"] for _ in range(5)]
    assert codes == ["AUTH_INVALID_CREDENTIALS"] * 4 + ["AUTH_LOCKED"]
    locked = _login(api, slug, owner["email"])
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "AUTH_LOCKED"


def test_a_suspended_user_is_out_at_once(api: Api) -> None:
    admin = signup_ready(api)
    owner = _invite(api, admin, "owner")
    suspended = api.patch(f"/v1/users/{owner['user']['id']}", token=admin["access_token"],
                          json={"status": "suspended"})
    assert suspended.status_code == 200, suspended.text
    refresh = api.post("/v1/auth/refresh", json={"refresh_token": owner["refresh_token"]})
    assert refresh.status_code == 401
    # This runtime's authorizer cache is off (0 s); in AWS the bound is AUTHORIZER_CACHE_TTL_S (30 s).
    assert api.get("/v1/me", token=owner["access_token"]).status_code == 401
