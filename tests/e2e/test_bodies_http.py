"""Issues 17 and 18 over real HTTP: what an SPA developer tried, through the local runtime's gateway."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Api, LocalRuntime, sign_in, signup_ready
from tests.e2e.test_campaigns_http import _campaign, _setup

pytestmark = pytest.mark.e2e


def test_the_three_routes_answer_202_without_a_body(api: Api, local_runtime: LocalRuntime) -> None:
    token, template_id, _ = _setup(api)
    campaign_id = _campaign(api, token, template_id)
    sent = api.post(f"/v1/campaigns/{campaign_id}/send", token=token)  # no body, no Content-Type
    assert sent.status_code == 202 and sent.json()["status"] == "sending", sent.text
    retried = api.post("/v1/messages/retry-failed", token=token)
    assert retried.status_code == 202 and "requeued" in retried.json(), retried.text
    root = local_runtime.super_admin
    support = sign_in(api, community=None, email=root["email"], password=root["password"],
                      totp_secret=root["totp_secret"])["access_token"]
    community_id = api.get("/v1/me", token=token).json()["community"]["id"]
    requeued = api.post(f"/v1/admin/communities/{community_id}/messages/retry-failed", token=support)
    assert requeued.status_code == 202 and "requeued" in requeued.json(), requeued.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data"])
def test_public_json_routes_answer_415_to_other_media_types(api: Api, content_type: str) -> None:
    body = '{"email": "a@example.com", "password": "correct horse battery"}'
    for path in ("/v1/auth/login", "/v1/auth/signup", "/v1/auth/refresh"):
        answer = api.post(path, data=body, headers={"Content-Type": content_type})
        assert answer.status_code == 415 and answer.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE", answer.text


def test_deep_json_and_huge_numbers_are_422_over_http(api: Api) -> None:
    deep = api.post("/v1/auth/login", data="[" * 1000 + "]" * 1000, headers={"Content-Type": "application/json"})
    assert deep.status_code == 422 and "nest" in deep.json()["error"]["details"][0]["message"]
    huge = api.post("/v1/auth/login", data='{"email": ' + "7" * 5000 + "}",
                    headers={"Content-Type": "application/json"})
    assert huge.status_code == 422 and "numbers" in huge.json()["error"]["details"][0]["message"]
    token = str(signup_ready(api, f"Balance {uuid.uuid4().hex[:6]}")["access_token"])
    balance = api.post("/v1/residents", token=token, json={"first_name": "A", "last_name": "B", "role": "owner",
                                                          "balance": "1E+999999999"})
    assert balance.status_code == 422 and balance.json()["error"]["details"][0]["field"] == "balance"
