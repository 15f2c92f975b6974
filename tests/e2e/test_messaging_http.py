"""Issue 3's must-shows over HTTP against the local runtime: mail goes out once, escaped, and the
SES simulator's notifications come back through SNS → SQS → the events worker as in AWS."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Api, signup_ready, wait_for

pytestmark = pytest.mark.e2e


def _admin(api: Api) -> str:
    return str(signup_ready(api, f"Mail Test {uuid.uuid4().hex[:6]}")["access_token"])


def _template(api: Api, token: str, category: str) -> str:
    answer = api.post("/v1/templates", token=token, json={
        "name": f"{category} notice", "channel": "email", "category": category,
        "subject": "Hello {{first_name}}", "html": "<p>Dear {{first_name}}, <a href=\"https://example.com/x\">see</a></p>"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _send(api: Api, token: str, template_id: str, to: str, first_name: str) -> str:
    answer = api.post("/v1/messages", token=token, json={"channel": "email", "template_id": template_id, "to": to,
                                                         "variables": {"first_name": first_name}})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def _status(api: Api, token: str, message_id: str, wanted: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        message = api.get(f"/v1/messages/{message_id}", token=token).json()
        return message if message["status"] == wanted else None

    return wait_for(check)  # type: ignore[no-any-return]


def test_delivered_mail_is_rendered_escaped_and_reported(api: Api) -> None:
    token = _admin(api)
    template_id = _template(api, token, "transactional")
    to = f"success+{uuid.uuid4().hex[:6]}@simulator.amazonses.com"
    message_id = _send(api, token, template_id, to, "<script>alert(1)</script>")
    message = _status(api, token, message_id, "delivered")
    assert [e["type"] for e in message["events"]][:3] == ["queued", "attempt", "sent"]
    mail = wait_for(lambda: [m for m in api.get("/_dev/mailbox").json()["items"] if to in str(m["to"])])
    assert len(mail) == 1
    assert "&lt;script&gt;" in mail[0]["html"] and "<script>" not in mail[0]["html"]
    assert mail[0]["subject"] == "Hello <script>alert(1)</script>"  # subjects are text, not HTML


def test_bounce_suppresses_and_a_later_marketing_send_makes_no_provider_call(api: Api) -> None:
    token = _admin(api)
    transactional = _template(api, token, "transactional")
    marketing = _template(api, token, "marketing")
    first = _send(api, token, transactional, "bounce@simulator.amazonses.com", "Bo")
    _status(api, token, first, "bounced")
    suppressions = api.get("/v1/suppressions", token=token).json()["items"]
    assert [(s["address"], s["reason"]) for s in suppressions] == [("bounce@simulator.amazonses.com", "bounce")]
    before = len(api.get("/_dev/mailbox").json()["items"])
    later = _send(api, token, marketing, "bounce@simulator.amazonses.com", "Bo")
    message = _status(api, token, later, "suppressed")
    assert "bounce" in message["last_error"]
    assert "attempt" not in [e["type"] for e in message["events"]]
    assert len(api.get("/_dev/mailbox").json()["items"]) == before


def test_complaint_is_recorded_and_suppressed(api: Api) -> None:
    token = _admin(api)
    message_id = _send(api, token, _template(api, token, "marketing"), "complaint@simulator.amazonses.com", "C")
    _status(api, token, message_id, "complained")
    reasons = {s["address"]: s["reason"] for s in api.get("/v1/suppressions", token=token).json()["items"]}
    assert reasons == {"complaint@simulator.amazonses.com": "complaint"}
