"""The residents sample events in events/ drive their handlers: create, list, then a segment's preview."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions import authorizer
from functions.api.residents import create
from functions.api.residents import list as list_residents
from functions.api.segments import preview
from tests.integration.conftest import signup
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration


def _as_caller(event: dict[str, Any], token: str) -> dict[str, Any]:
    """The sample's placeholder identity replaced by what the authorizer says about a real token."""
    request = load("authorizer-request.json")
    request["headers"]["authorization"] = f"Bearer {token}"
    event["requestContext"]["authorizer"]["lambda"] = authorizer.handler(request, FakeContext())["context"]
    return event


def test_residents_sample_events() -> None:
    token = signup()["access_token"]
    answer = create.handler(_as_caller(load("api-residents-create.json"), token), FakeContext())
    assert answer["statusCode"] == 201, answer
    resident = json.loads(answer["body"])
    assert resident["email"] == "wendy.ng@example.com" and resident["phone"] == "+14165550123"
    listed = list_residents.handler(_as_caller(load("api-residents-list.json"), token), FakeContext())
    assert [r["id"] for r in json.loads(listed["body"])["items"]] == [resident["id"]]
    segment = call("POST", "/v1/segments", token=token, json_body={"name": "Pool", "filter": {"tags": ["pool"]}})
    event = _as_caller(load("api-segment-preview.json"), token)
    path = f"/v1/segments/{segment.body['id']}/preview"
    event["pathParameters"]["id"], event["rawPath"], event["requestContext"]["http"]["path"] = (
        segment.body["id"], path, path)
    answer = preview.handler(event, FakeContext())
    assert answer["statusCode"] == 200 and json.loads(answer["body"])["count"] == 1
    # The placeholder identity names nobody: 401, never a 500.
    assert preview.handler(load("api-segment-preview.json"), FakeContext())["statusCode"] == 401
