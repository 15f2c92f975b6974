"""Issue 17, parts 1 and 6: bad input is 4xx, always, and handled once in the HTTP layer.

Each reproduction of the report is here: a JSON route called with text/plain, XML or a multipart
body without a boundary (415), JSON nested a thousand deep or an integer of 5,000 digits (422
naming the limit), a balance of `1E+999999999` (422 on the field), and the same JSON in another key
order under one Idempotency-Key (replayed, not 409).
"""

from __future__ import annotations

import base64
import importlib
import json
from typing import Any

import pytest

from shared.platform import bodies, keys
from shared.spec.permissions import Role
from shared.spec.routes import ROUTES, Route
from tests.integration.conftest import signup
from tests.integration.test_authorization_matrix import _path, _token, _user
from tests.support.api import call

pytestmark = pytest.mark.integration

HOSTILE_TYPES = ("text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=x",
                 "application/x-www-form-urlencoded")
JSON_BODY_ROUTES = [r for r in ROUTES if importlib.import_module(r.handler).api.body.model is not None]
PUBLIC_JSON = [r for r in JSON_BODY_ROUTES if r.public]
SIGNUP = {"community_name": "Elm Row", "email": "ann@example.com", "password": "correct horse battery",
          "full_name": "Ann"}


def test_the_six_public_json_routes_of_the_report_are_covered() -> None:
    assert {r.path for r in PUBLIC_JSON} >= {
        "/v1/auth/signup", "/v1/auth/login", "/v1/auth/refresh", "/v1/auth/mfa/verify", "/v1/auth/verify-email",
        "/v1/auth/invitations/accept"}


@pytest.mark.parametrize("content_type", HOSTILE_TYPES)
@pytest.mark.parametrize("route", PUBLIC_JSON, ids=lambda r: r.route_key)
def test_a_public_json_route_refuses_other_media_types_with_415(route: Route, content_type: str) -> None:
    answer = call(route.method, route.path, body=json.dumps(SIGNUP), headers={"content-type": content_type})
    assert answer.status == 415, (content_type, answer.status, answer.body)
    assert answer.body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert answer.body["error"]["details"] == [{"field": "Content-Type", "message": "must be application/json"}]


def test_every_json_route_refuses_other_media_types_with_415() -> None:
    """The 27 operations of the report and any added since: generated from the route table."""
    community_id = signup(ready=False)["community"]["id"]
    admin, root = _user(community_id, Role.ADMIN), _user(keys.PLATFORM, Role.SUPER_ADMIN)
    wrong = []
    for route in JSON_BODY_ROUTES:
        token = None if route.public else _token(root if route.path.startswith("/v1/admin/") else admin)
        for content_type in ("text/plain", "multipart/form-data"):
            answer = call(route.method, _path(route), token=token, body="{}", headers={"content-type": content_type})
            if answer.status != 415:
                wrong.append(f"{route.route_key} {content_type}: {answer.status} {answer.body}")
    assert not wrong, "\n".join(wrong)
    assert len(JSON_BODY_ROUTES) >= 27


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "application/merge-patch+json", "APPLICATION/JSON"])
def test_json_media_types_are_accepted(content_type: str) -> None:
    answer = call("POST", "/v1/auth/signup", body=json.dumps(SIGNUP), headers={"content-type": content_type})
    assert answer.status == 201, answer.body


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[" * 1000 + "]" * 1000, f"JSON may nest at most {bodies.MAX_DEPTH} levels deep"),
        ('{"a":' * 40 + "1" + "}" * 40, f"JSON may nest at most {bodies.MAX_DEPTH} levels deep"),
        ('{"email": ' + "1" * 5000 + "}", f"numbers may have at most {bodies.MAX_NUMBER_CHARS} characters"),
        ('{"email": 1' + "0" * 50 + ".5}", f"numbers may have at most {bodies.MAX_NUMBER_CHARS} characters"),
        ('{"email": 1e999}', "numbers must be finite"),
        ('{"email": NaN}', "NaN is not JSON"),
        ('{"email": -Infinity}', "-Infinity is not JSON"),
    ],
    ids=["deep-array", "deep-object", "huge-int", "long-float", "inf", "nan", "-inf"],
)
def test_json_limits_answer_422_naming_the_limit(raw: str, message: str) -> None:
    for path in ("/v1/auth/login", "/v1/auth/signup"):
        answer = call("POST", path, body=raw)
        assert answer.status == 422, answer.body
        assert answer.body["error"]["details"] == [{"field": "body", "message": message}]


def test_a_body_that_is_not_utf8_is_422() -> None:
    event_body = base64.b64encode(b'{"email": "\xff\xfe"}').decode()
    answer = _raw_call("/v1/auth/login", event_body, base64_encoded=True)
    assert answer["statusCode"] == 422 and "UTF-8" in answer["body"]


def _raw_call(path: str, body: str, *, base64_encoded: bool) -> dict[str, Any]:
    from functions.api.auth import login
    from tests.support.api import FakeContext

    event = {"version": "2.0", "routeKey": f"POST {path}", "rawPath": path, "rawQueryString": "",
             "headers": {"content-type": "application/json"}, "body": body, "isBase64Encoded": base64_encoded,
             "requestContext": {"http": {"method": "POST", "path": path, "sourceIp": "203.0.113.9",
                                         "userAgent": "pytest", "protocol": "HTTP/1.1"},
                                "requestId": "r", "routeKey": f"POST {path}", "stage": "$default"}}
    return login.handler(event, FakeContext())  # type: ignore[no-any-return]


@pytest.mark.parametrize("balance", ["1E+999999999", "-1E+999999999", "1E+10", 1e300, "1000000000"])
def test_a_balance_out_of_range_is_422_on_the_field(balance: Any) -> None:
    token = signup()["access_token"]
    answer = call("POST", "/v1/residents", token=token,
                  json_body={"first_name": "A", "last_name": "L", "role": "owner", "balance": balance})
    assert answer.status == 422, answer.body
    assert [d["field"] for d in answer.body["error"]["details"]] == ["balance"], answer.body


def test_a_delinquency_threshold_out_of_range_is_422() -> None:
    token = signup()["access_token"]
    answer = call("PATCH", "/v1/community", token=token, json_body={"delinquency_threshold": "1E+999999999"})
    assert answer.status == 422 and answer.body["error"]["details"][0]["field"] == "delinquency_threshold"


def test_same_json_in_another_key_order_is_the_same_idempotent_request() -> None:
    first = call("POST", "/v1/auth/signup", body=json.dumps(SIGNUP), headers={"Idempotency-Key": "k-order"})
    reordered = json.dumps(dict(reversed(list(SIGNUP.items()))), indent=2)
    second = call("POST", "/v1/auth/signup", body=reordered, headers={"Idempotency-Key": "k-order"})
    assert first.status == second.status == 201, second.body
    assert first.body == second.body
    other = call("POST", "/v1/auth/signup", body=json.dumps({**SIGNUP, "full_name": "Bob"}),
                 headers={"Idempotency-Key": "k-order"})
    assert other.status == 409 and other.body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_every_registered_body_model_bounds_its_decimals() -> None:
    for route in JSON_BODY_ROUTES:
        model = importlib.import_module(route.handler).api.body.model
        assert model is not None and bodies.unbounded_decimals(model) == [], route.route_key


@pytest.mark.parametrize("score", ["1E+999999999", "1E+400", 1e300, "-1E+15"])
def test_a_custom_number_out_of_range_is_422_on_the_field(score: Any) -> None:
    token = signup()["access_token"]
    defined = call("POST", "/v1/custom-fields", token=token, json_body={"key": "score", "label": "S", "type": "number"})
    assert defined.status == 201, defined.body
    answer = call("POST", "/v1/residents", token=token, json_body={
        "first_name": "A", "last_name": "L", "role": "owner", "custom": {"score": score}})
    assert answer.status == 422, answer.body
    assert [d["field"] for d in answer.body["error"]["details"]] == ["custom.score"], answer.body


def test_the_sample_event_of_a_text_plain_login_is_415() -> None:
    from pathlib import Path

    from functions.api.auth import login
    from tests.support.api import FakeContext

    event = json.loads((Path(__file__).parents[2] / "events" / "api-login-text-plain.json").read_text())
    answer = login.handler(event, FakeContext())
    assert answer["statusCode"] == 415 and json.loads(answer["body"])["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
