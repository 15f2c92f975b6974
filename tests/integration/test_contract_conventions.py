"""The contract's conventions on real endpoints: error bodies, validation, idempotency, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.community import repository as communities
from shared.platform import keys
from shared.spec.routes import ROUTES
from tests.integration.conftest import signup
from tests.support.api import call

pytestmark = pytest.mark.integration

GOOD_SIGNUP = {"community_name": "Elm Row", "email": "ann@example.com", "password": "correct horse battery",
               "full_name": "Ann"}


def assert_error_body(body: Any, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("{not json", "body"),
        ("[]", "body"),
        ("", "body"),
        (json.dumps({**GOOD_SIGNUP, "email": 42}), "email"),
        (json.dumps({**GOOD_SIGNUP, "email": "not-an-email"}), "email"),
        (json.dumps({k: v for k, v in GOOD_SIGNUP.items() if k != "password"}), "password"),
        (json.dumps({**GOOD_SIGNUP, "password": "short"}), "password"),
        (json.dumps({**GOOD_SIGNUP, "is_admin": True}), "is_admin"),
    ],
    ids=["malformed", "array", "empty", "wrong-type", "bad-email", "missing", "too-short", "unknown-field"],
)
def test_bad_bodies_get_422_with_the_field(raw: str, field: str) -> None:
    answer = call("POST", "/v1/auth/signup", body=raw)
    assert answer.status == 422, answer.body
    assert_error_body(answer.body, "VALIDATION_FAILED")
    assert field in [d["field"] for d in answer.body["error"]["details"]], answer.body


def test_bad_query_parameters_are_422() -> None:
    token = signup()["access_token"]
    for limit in ("0", "201", "ten"):
        answer = call("GET", "/v1/auth/sessions", token=token, query={"limit": limit})
        assert answer.status == 422, answer.body
        assert answer.body["error"]["details"][0]["field"] == "limit"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=8,
)
PUBLIC_POSTS = [r for r in ROUTES if r.public and r.method == "POST"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route_index=st.integers(0, len(PUBLIC_POSTS) - 1), payload=json_values)
def test_no_body_makes_a_public_endpoint_answer_500(route_index: int, payload: Any) -> None:
    route = PUBLIC_POSTS[route_index]
    answer = call("POST", route.path, body=json.dumps(payload))
    assert answer.status < 500, (route.path, payload, answer.body)
    if answer.status >= 400:
        assert set(answer.body) == {"error"}


def test_same_idempotency_key_same_body_replays_the_first_answer() -> None:
    first = call("POST", "/v1/auth/signup", json_body=GOOD_SIGNUP, headers={"Idempotency-Key": "k-1"})
    second = call("POST", "/v1/auth/signup", json_body=GOOD_SIGNUP, headers={"Idempotency-Key": "k-1"})
    assert first.status == second.status == 201
    assert first.body == second.body
    # Exactly one community came of it: the slug's numbered variant was never taken.
    assert communities.community_by_slug("elm-row") is not None
    assert communities.community_by_slug("elm-row-2") is None


def test_same_idempotency_key_other_body_is_refused() -> None:
    call("POST", "/v1/auth/signup", json_body=GOOD_SIGNUP, headers={"Idempotency-Key": "k-2"})
    answer = call("POST", "/v1/auth/signup", json_body={**GOOD_SIGNUP, "community_name": "Other"},
                  headers={"Idempotency-Key": "k-2"})
    assert answer.status == 409
    assert_error_body(answer.body, "IDEMPOTENCY_KEY_REUSED")


def test_without_a_key_each_post_acts() -> None:
    call("POST", "/v1/auth/signup", json_body=GOOD_SIGNUP)
    call("POST", "/v1/auth/signup", json_body={**GOOD_SIGNUP, "email": "bob@example.com"})
    assert communities.community_by_slug("elm-row-2") is not None


def test_idempotency_records_are_not_kept_for_5xx(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.identity import service

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(service, "signup", explode)
    failed = call("POST", "/v1/auth/signup", json_body=GOOD_SIGNUP, headers={"Idempotency-Key": "k-3"})
    assert failed.status == 500
    assert_error_body(failed.body, "INTERNAL")
    assert "fire" not in json.dumps(failed.body)
    monkeypatch.undo()
    retried = call("POST", "/v1/auth/signup", json_body=GOOD_SIGNUP, headers={"Idempotency-Key": "k-3"})
    assert retried.status == 201


def test_idempotency_records_are_tenant_keyed(aws_env: dict[str, Any]) -> None:
    import boto3

    token = signup()["access_token"]
    assert token
    items = boto3.client("dynamodb").scan(TableName=aws_env["table"])["Items"]
    idem = [i for i in items if "IDEM" in i["pk"]["S"]]
    for item in idem:
        assert item["pk"]["S"] == keys.PUBLIC_IDEMPOTENCY_PK or item["pk"]["S"].startswith("C#")


def test_openapi_lists_every_route_with_its_models() -> None:
    answer = call("GET", "/v1/openapi.json")
    assert answer.status == 200
    doc = answer.body
    assert doc["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == {(r.method, r.path) for r in ROUTES}
    signup_op = doc["paths"]["/v1/auth/signup"]["post"]
    assert "201" in signup_op["responses"] and "422" in signup_op["responses"]
    assert "security" not in signup_op or signup_op["security"] in ([], None)
    assert doc["paths"]["/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    schemas = doc["components"]["schemas"]
    assert {"SignupRequest", "TokenBody", "ErrorResponse"} <= set(schemas)


def test_health_is_public() -> None:
    answer = call("GET", "/v1/health")
    assert answer.status == 200 and answer.body == {"status": "ok", "version": "0.0.0-test"}
