"""Issue 17 part 9: `make dev` keeps its data across a restart.

Create data against a runtime started with `--state-dir`, stop it (SIGTERM, as Ctrl-C does),
start a new one on the same folder: the community, its resident, an uploaded file, an access
token (same signing key), a refresh token and a TOTP sign-in (same MFA key) all still work.
A runtime started on an empty folder (what `make dev-reset` does) starts fresh.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests

from tests.e2e.conftest import Api, sign_in, signup_ready, start_runtime, stop_runtime, wait_for
from tests.e2e.test_assets_http import _announce, _post, _status
from tests.support.files import PDF

pytestmark = pytest.mark.e2e


def _state_args(state: Path) -> tuple[str, ...]:
    return "--state-dir", str(state), "--state-save-interval", "1"


def test_data_tokens_and_files_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "dev-state"
    process, runtime = start_runtime(tmp_path, *_state_args(state))
    try:
        api = Api(runtime.api_url)
        admin = signup_ready(api, "Restart Court")
        enrolled_step = int(time.time() // 30)  # the TOTP step whose code the enrollment used
        token = admin["access_token"]
        resident = api.post("/v1/residents", token=token, json={"first_name": "Ada", "last_name": "Lovelace",
                                                                "email": "ada@example.com", "role": "owner"})
        assert resident.status_code == 201, resident.text
        created = _announce(api, token, PDF, filename="rules.pdf")
        assert _post(created["upload"], PDF).status_code == 204
        _status(api, token, created["asset"]["id"], "ready")
        wait_for(lambda: (state / "table.json").exists(), timeout_s=10)  # the timer saves meanwhile too
    finally:
        stop_runtime(process, runtime)
    saved = json.loads((state / "table.json").read_text())["tables"]
    assert any(len(items) > 5 for items in saved.values())
    assert json.loads((state / "keys.json").read_text())["mfa_key"]["material"]

    process, runtime = start_runtime(tmp_path, *_state_args(state))
    try:
        api = Api(runtime.api_url)
        me = api.get("/v1/me", token=token)  # an access token from before: the signing key was kept
        assert me.status_code == 200, me.text
        fetched = api.get(f"/v1/residents/{resident.json()['id']}", token=token)
        assert fetched.status_code == 200 and fetched.json()["first_name"] == "Ada"
        refreshed = api.post("/v1/auth/refresh", json={"refresh_token": admin["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text
        while int(time.time() // 30) <= enrolled_step:  # a TOTP code is accepted once: wait for a fresh one
            time.sleep(0.5)
        again = sign_in(api, community=admin["community"]["slug"], email=admin["email"],
                        password="correct horse battery", totp_secret=admin["totp_secret"])  # MFA key kept
        link = api.get(f"/v1/assets/{created['asset']['id']}/download", token=again["access_token"])
        assert link.status_code == 200, link.text
        assert requests.get(link.json()["url"], timeout=30).content == PDF
        later = _announce(api, token, PDF, filename="later.pdf")  # the bucket's events were switched back on
        assert _post(later["upload"], PDF).status_code == 204
        _status(api, token, later["asset"]["id"], "ready")
        assert pyotp.TOTP(runtime.demo.admin_totp_secret).now()  # the seed found its demo community again
        communities = [c for c in _communities(api, runtime.super_admin) if c["name"] == "Restart Court"]
        assert len(communities) == 1
    finally:
        stop_runtime(process, runtime)

    shutil.rmtree(state)  # `make dev-reset`
    process, runtime = start_runtime(tmp_path, *_state_args(state))
    try:
        api = Api(runtime.api_url)
        assert api.get("/v1/me", token=token).status_code == 401  # a new signing key: nothing carried over
        assert api.post("/v1/auth/refresh", json={"refresh_token": admin["refresh_token"]}).status_code == 401
    finally:
        stop_runtime(process, runtime)


def _communities(api: Api, super_admin: dict[str, Any]) -> list[dict[str, Any]]:
    signed_in = sign_in(api, community=None, email=super_admin["email"], password=super_admin["password"],
                        totp_secret=super_admin["totp_secret"])
    answer = api.get("/v1/admin/communities", token=signed_in["access_token"], params={"limit": "100"})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])
