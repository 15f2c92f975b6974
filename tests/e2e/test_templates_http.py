"""Templates over HTTP, as the SPA uses them: create, preview, and a hostile variable stays text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Api, signup_ready

pytestmark = pytest.mark.e2e


def _admin_token(api: Api) -> str:
    return str(signup_ready(api, "Template Terrace")["access_token"])


def test_create_then_preview_escapes_a_script_variable(api: Api) -> None:
    token = _admin_token(api)
    template: dict[str, Any] = {
        "name": "Welcome", "channel": "email", "category": "transactional",
        "subject": "Welcome to {{ community_name }}, {{ first_name }}",
        "html": "<h1>Hello {{ first_name }}</h1><p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
    }
    created = api.post("/v1/templates", json=template, token=token)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["version"] == 1
    assert body["variables"] == ["community_name", "first_name", "unsubscribe_url"]

    variables = {"first_name": "<script>alert('pwned')</script>", "community_name": "Template Terrace",
                 "unsubscribe_url": "https://example.com/u/1"}
    preview = api.post(f"/v1/templates/{body['id']}/preview", json={"variables": variables}, token=token)
    assert preview.status_code == 200, preview.text
    rendered = preview.json()
    assert "<script>" not in rendered["html"]
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in rendered["html"]
    assert rendered["subject"] == "Welcome to Template Terrace, <script>alert('pwned')</script>"
    assert rendered["text"].startswith("Hello <script>") and "Unsubscribe (https://example.com/u/1)" in rendered["text"]

    missing = api.post(f"/v1/templates/{body['id']}/preview", json={"variables": {"first_name": "Ann"}},
                       token=token)
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "TEMPLATE_VARIABLES_MISSING"
    assert [d["field"] for d in missing.json()["error"]["details"]] == ["community_name", "unsubscribe_url"]


def test_sandbox_escapes_are_refused_over_http(api: Api) -> None:
    token = _admin_token(api)
    answer = api.post("/v1/templates", token=token, json={
        "name": "Evil", "channel": "sms", "category": "marketing",
        "text": "{{ cycler.__init__.__globals__.os.popen('id').read() }}"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "VALIDATION_FAILED"
    assert {d["field"] for d in answer.json()["error"]["details"]} == {"text"}
