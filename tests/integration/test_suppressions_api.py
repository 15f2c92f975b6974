"""The suppressions API: add, list, lift, validation, tenancy, pagination and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from shared.platform.channels import Category, Channel
from shared.suppression import service as suppressions
from shared.suppression.models import Reason
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup()


def add(token: str, channel: str, address: str, **extra: Any) -> Any:
    return call("POST", "/v1/suppressions", token=token, json_body={"channel": channel, "address": address, **extra})


def listed(token: str, **query: str) -> Any:
    answer = call("GET", "/v1/suppressions", token=token, query=query or None)
    assert answer.status == 200, answer.body
    return answer.body


def test_add_list_and_lift_an_email(admin: dict[str, Any]) -> None:
    token, user_id = admin["access_token"], admin["user"]["id"]
    created = add(token, "email", "  Rae@Example.COM ")
    assert created.status == 201, created.body
    entry = created.body
    assert entry["channel"] == "email" and entry["address"] == "rae@example.com" and entry["reason"] == "manual"
    assert entry["source"] == f"api:{user_id}" and entry["created_at"].endswith("Z")
    assert listed(token) == {"items": [entry], "next_cursor": None}
    cid = admin["community"]["id"]
    assert suppressions.blocking_reason(cid, Channel.EMAIL, "rae@example.com", Category.TRANSACTIONAL) == Reason.MANUAL
    lifted = call("DELETE", "/v1/suppressions/email/rae%40example.com", token=token)
    assert lifted.status == 204 and lifted.body is None
    assert listed(token)["items"] == []
    assert suppressions.blocking_reason(cid, Channel.EMAIL, "rae@example.com", Category.MARKETING) is None
    again = call("DELETE", "/v1/suppressions/email/rae%40example.com", token=token)
    assert again.status == 404 and again.body["error"]["code"] == "NOT_FOUND"


def test_sms_numbers_and_encoded_plus_signs(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    assert add(token, "sms", "+15551234567").body["address"] == "+15551234567"
    assert call("DELETE", "/v1/suppressions/sms/%2B15551234567", token=token).status == 204
    assert add(token, "sms", "+15551234567").status == 201
    assert call("DELETE", "/v1/suppressions/sms/+15551234567", token=token).status == 204  # unencoded works too


def test_an_upper_case_or_unencoded_address_lifts_the_same_entry(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    add(token, "email", "rae@example.com")
    assert call("DELETE", "/v1/suppressions/email/RAE@EXAMPLE.COM", token=token).status == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "email", "address": "not-an-email"}, "address"),
        ({"channel": "email", "address": "+15551234567"}, "address"),
        ({"channel": "sms", "address": "5551234567"}, "address"),
        ({"channel": "sms", "address": "+1555"}, "address"),
        ({"channel": "sms", "address": "+1234567890123456"}, "address"),
        ({"channel": "fax", "address": "+15551234567"}, "channel"),
        ({"channel": "email", "address": "rae@example.com", "reason": "bounce"}, "reason"),
        ({"channel": "email"}, "address"),
        ({"channel": "email", "address": "rae@example.com", "note": "x"}, "note"),
    ],
    ids=[
        "bad-email",
        "phone-as-email",
        "no-plus",
        "too-short",
        "too-long",
        "channel",
        "reason",
        "missing",
        "unknown-field",
    ],
)
def test_bad_requests_are_422_with_the_field(admin: dict[str, Any], body: dict[str, Any], field: str) -> None:
    answer = call("POST", "/v1/suppressions", token=admin["access_token"], json_body=body)
    assert answer.status == 422, answer.body
    assert answer.body["error"]["code"] == "VALIDATION_FAILED"
    assert field in [d["field"] for d in answer.body["error"]["details"]], answer.body


def test_bad_path_or_query_values_are_422(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    assert call("DELETE", "/v1/suppressions/fax/x", token=token).status == 422
    assert call("GET", "/v1/suppressions", token=token, query={"channel": "fax"}).status == 422
    assert call("GET", "/v1/suppressions", token=token, query={"limit": "0"}).status == 422


def test_signed_in_is_required() -> None:
    assert call("GET", "/v1/suppressions").status == 401
    assert call("POST", "/v1/suppressions", json_body={"channel": "email", "address": "a@example.com"}).status == 401


def test_channel_filter_and_pagination(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    emails = [f"p{i}@example.com" for i in range(5)]
    for address in emails:
        add(token, "email", address)
    add(token, "sms", "+15551234567")
    assert [e["address"] for e in listed(token, channel="sms")["items"]] == ["+15551234567"]
    seen: list[str] = []
    page = listed(token, channel="email", limit="2")
    while True:
        assert len(page["items"]) <= 2
        seen += [e["address"] for e in page["items"]]
        if not page["next_cursor"]:
            break
        page = listed(token, channel="email", limit="2", cursor=page["next_cursor"])
    assert sorted(seen) == emails
    assert len(listed(token, limit="200")["items"]) == 6


def test_another_community_sees_and_lifts_nothing(admin: dict[str, Any]) -> None:
    other = signup(name="Birch Hollow", email="bob@example.com")["access_token"]
    token = admin["access_token"]
    add(token, "email", "rae@example.com")
    add(token, "email", "p1@example.com")
    add(token, "email", "p2@example.com")
    assert listed(other)["items"] == []
    answer = call("DELETE", "/v1/suppressions/email/rae%40example.com", token=other)
    assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND"
    assert len(listed(token)["items"]) == 3
    cursor = listed(token, limit="1")["next_cursor"]
    foreign = call("GET", "/v1/suppressions", token=other, query={"cursor": cursor})
    assert foreign.status == 400 and foreign.body["error"]["code"] == "INVALID_CURSOR"


def test_a_stronger_reason_is_kept_and_returned(admin: dict[str, Any]) -> None:
    suppressions.add(admin["community"]["id"], Channel.EMAIL, "rae@example.com", Reason.BOUNCE, source="ses")
    answer = add(admin["access_token"], "email", "rae@example.com")
    assert answer.status == 201 and answer.body["reason"] == "bounce" and answer.body["source"] == "ses"


def test_the_idempotency_key_replays_the_first_answer(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    headers = {"Idempotency-Key": "supp-1"}
    first = call(
        "POST",
        "/v1/suppressions",
        token=token,
        headers=headers,
        json_body={"channel": "email", "address": "rae@example.com"},
    )
    second = call(
        "POST",
        "/v1/suppressions",
        token=token,
        headers=headers,
        json_body={"channel": "email", "address": "rae@example.com"},
    )
    assert first.status == second.status == 201 and first.body == second.body


def test_adding_and_lifting_are_audited_with_the_address_masked(aws_env: dict[str, Any], admin: dict[str, Any]) -> None:
    token, user_id, cid = admin["access_token"], admin["user"]["id"], admin["community"]["id"]
    audit_events(aws_env)  # drop signup's
    add(token, "email", "rae@example.com")
    call("DELETE", "/v1/suppressions/email/rae%40example.com", token=token)
    call("DELETE", "/v1/suppressions/email/rae%40example.com", token=token)  # 404: nothing to audit
    events = audit_events(aws_env)
    assert [(e.action, e.actor_id, e.community_id, e.target) for e in events] == [
        ("suppression.added", user_id, cid, "r***@example.com"),
        ("suppression.removed", user_id, cid, "r***@example.com"),
    ]
    assert events[0].detail == {"channel": "email", "reason": "manual"}
    assert events[0].ip == "203.0.113.9" and events[0].user_agent == "pytest"
    assert all("rae@example.com" not in e.model_dump_json() for e in events)
