"""Issue 17, part 6: the OpenAPI document tells the truth about every answer."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from shared.platform.errors import ERROR_CODES
from shared.platform.openapi import document
from shared.spec.routes import ROUTES
from tests.integration.conftest import signup
from tests.support.api import call

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document("test")


def _operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return doc["paths"][path][method.lower()]  # type: ignore[no-any-return]


def test_no_204_or_302_documents_a_body(doc: dict[str, Any]) -> None:
    bodiless = [r for r in ROUTES if r.status in (204, 302)]
    assert len(bodiless) >= 13
    for route in bodiless:
        answer = _operation(doc, route.method, route.path)["responses"][str(route.status)]
        assert "content" not in answer, route.route_key


def test_the_audit_export_documents_both_of_its_media_types(doc: dict[str, Any]) -> None:
    content = _operation(doc, "GET", "/v1/audit/export")["responses"]["200"]["content"]
    assert set(content) == {"application/x-ndjson", "text/csv"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_audit_export_answers_a_documented_media_type(doc: dict[str, Any], fmt: str) -> None:
    token = signup()["access_token"]
    answer = call("GET", "/v1/audit/export", token=token, query={"format": fmt})
    assert answer.status == 200
    media = answer.headers["Content-Type"].split(";")[0]
    assert media in _operation(doc, "GET", "/v1/audit/export")["responses"]["200"]["content"]


def test_every_route_with_a_body_documents_415_and_the_code_is_in_the_enum(doc: dict[str, Any]) -> None:
    for route in ROUTES:
        responses = _operation(doc, route.method, route.path)["responses"]
        takes_body = importlib.import_module(route.handler).api.body.model is not None
        assert ("415" in responses) == takes_body, route.route_key
    codes = doc["components"]["schemas"]["ErrorInfo"]["properties"]["code"]["enum"]
    assert set(codes) == set(ERROR_CODES) and "UNSUPPORTED_MEDIA_TYPE" in codes


def test_a_protected_routes_401_allows_api_gateways_own_body(doc: dict[str, Any]) -> None:
    for route in ROUTES:
        schema = _operation(doc, route.method, route.path)["responses"]["401"]["content"]["application/json"]["schema"]
        refs = {s["$ref"].rsplit("/", 1)[1] for s in schema.get("anyOf", [schema])}
        assert refs == ({"ErrorResponse"} if route.public else {"ErrorResponse", "GatewayError"}), route.route_key


def test_a_bad_unsubscribe_link_documents_its_html_page(doc: dict[str, Any]) -> None:
    for method in ("GET", "POST"):
        content = _operation(doc, method, "/v1/unsubscribe/{token}")["responses"]["404"]["content"]
        assert set(content) == {"application/json", "text/html"}
