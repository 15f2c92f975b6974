"""Issue 18: a POST or PATCH whose request model has no required field works without a body.

Generated from the route table: every route whose body model accepts `{}` (no required field, no
model rule against an empty body) is called with no body, with an empty body and with a blank one;
none may answer 422 (or 5xx), and the OpenAPI document marks exactly those request bodies as not
required. PATCH models that refuse an empty change ("give at least one field") keep a required body,
in the document too.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest

from shared.platform import clock, keys
from shared.platform.openapi import document
from shared.spec.permissions import Role
from shared.spec.routes import ROUTES, Route
from tests.integration.conftest import signup
from tests.integration.test_authorization_matrix import _path, _token, _user
from tests.integration.test_campaigns import campaign, super_admin_token
from tests.integration.test_messages_api import template
from tests.integration.test_residents_api import created
from tests.support.api import call

pytestmark = pytest.mark.integration


def _body_spec(route: Route) -> Any:
    return importlib.import_module(route.handler).api.body


OPTIONAL = [r for r in ROUTES if _body_spec(r).optional]
REQUIRED = [r for r in ROUTES if _body_spec(r).model is not None and not _body_spec(r).optional]
THE_THREE = {"POST /v1/campaigns/{id}/send", "POST /v1/messages/retry-failed",
             "POST /v1/admin/communities/{id}/messages/retry-failed"}


def test_the_generated_set_holds_the_reported_routes() -> None:
    assert {r.route_key for r in OPTIONAL} >= THE_THREE
    assert "PATCH /v1/community" in {r.route_key for r in OPTIONAL}
    assert "PATCH /v1/residents/{id}" in {r.route_key for r in REQUIRED}  # "give at least one field"


@pytest.mark.parametrize("route", OPTIONAL, ids=lambda r: r.route_key)
def test_an_all_optional_body_may_be_left_out(route: Route) -> None:
    community_id = signup(ready=False)["community"]["id"]
    role = Role.SUPER_ADMIN if route.path.startswith("/v1/admin/") else Role.ADMIN
    user = _user(keys.PLATFORM if role == Role.SUPER_ADMIN else community_id, role)
    path = _path(route).replace("01J0000000000000000000NONE", community_id, 1) \
        if route.path.startswith("/v1/admin/communities/{id}") else _path(route)
    for raw, content_type in ((None, None), ("", "application/json"), ("  \n", "text/plain")):
        headers = {"content-type": content_type} if content_type else {"content-type": ""}
        answer = call(route.method, path, token=_token(user), body=raw, headers=headers)
        assert answer.status != 422 and answer.status < 500, (route.route_key, repr(raw), answer.status, answer.body)


@pytest.mark.parametrize("route", REQUIRED[:6], ids=lambda r: r.route_key)
def test_a_body_with_required_fields_still_needs_one(route: Route) -> None:
    token = None
    if not route.public:
        community_id = signup(ready=False)["community"]["id"]
        token = _token(_user(community_id, Role.ADMIN))
    answer = call(route.method, _path(route), token=token, body=None)
    assert answer.status == 422 and answer.body["error"]["details"][0]["field"] == "body", answer.body


def test_the_document_marks_optional_bodies_not_required() -> None:
    paths = document("test")["paths"]
    for route in OPTIONAL:
        assert paths[route.path][route.method.lower()]["requestBody"]["required"] is False, route.route_key
    for route in REQUIRED:
        assert paths[route.path][route.method.lower()]["requestBody"]["required"] is True, route.route_key


def test_the_three_routes_answer_202_without_a_body() -> None:
    admin = signup()
    token = admin["access_token"]
    created(token, first_name="Ada", email="ada@example.com", balance="120.50", role="owner")
    made = campaign(token, template(token))
    sent = call("POST", f"/v1/campaigns/{made['id']}/send", token=token, body=None, headers={"content-type": ""})
    assert sent.status == 202 and sent.body["status"] == "sending", sent.body
    retried = call("POST", "/v1/messages/retry-failed", token=token, body=None, headers={"content-type": ""})
    assert retried.status == 202 and retried.body == {"requeued": 0}, retried.body
    community_id = admin["community"]["id"]
    admin_retry = call("POST", f"/v1/admin/communities/{community_id}/messages/retry-failed",
                       token=super_admin_token(), body=None, headers={"content-type": ""})
    assert admin_retry.status == 202 and admin_retry.body == {"requeued": 0}, admin_retry.body


def test_a_body_that_is_there_but_not_json_is_still_refused() -> None:
    token = signup()["access_token"]
    not_json = call("POST", "/v1/messages/retry-failed", token=token, body="{campaign_id:")
    assert not_json.status == 422 and not_json.body["error"]["details"][0]["field"] == "body"
    not_json_type = call("POST", "/v1/messages/retry-failed", token=token, body="campaign_id=x",
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert not_json_type.status == 415 and not_json_type.body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_a_send_at_sooner_than_a_minute_is_422_not_sent_now() -> None:
    """MIN_LEAD (shared/campaigns/service.py): the code, its comment and docs/campaigns.md agree."""
    token = signup()["access_token"]
    created(token, first_name="Ada", email="ada@example.com", balance="120.50", role="owner")
    made = campaign(token, template(token))
    soon = (clock.now() + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    answer = call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={"send_at": soon})
    assert answer.status == 422 and answer.body["error"]["details"][0]["field"] == "send_at", answer.body
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "draft"
