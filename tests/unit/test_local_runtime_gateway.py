"""The local HTTP API behaves as API Gateway HTTP API: events, authorizer, responses, CORS.

Fake handler modules are registered in `sys.modules`; the gateway is driven through werkzeug's
test client, so no socket is opened.
"""

from __future__ import annotations

import base64
import json
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.test import Client

from infra.local.apigw_events import IncomingRequest, http_event
from infra.local.apigw_responses import InvalidResponse, from_result
from infra.local.authorizer import GatewayAuthorizer
from infra.local.cors import CorsPolicy
from infra.local.dev_endpoints import DevEndpoints
from infra.local.functions import FunctionSpec
from infra.local.gateway import Gateway
from infra.local.lambdas import Invoker
from infra.local.mailbox import Mailbox
from infra.local.routing import Router
from shared.spec.permissions import Permission
from shared.spec.resources import API_CORS
from shared.spec.routes import Route

pytestmark = pytest.mark.unit

SPA = "http://localhost:5173"
AUTHORIZER = "tests.fake_local.authorizer"


@dataclass
class Fakes:
    """Handlers behind the fake routes, and what they were called with."""

    events: list[dict[str, Any]] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)
    authorizer_events: list[dict[str, Any]] = field(default_factory=list)
    result: Callable[[dict[str, Any]], Any] = lambda event: {"statusCode": 200, "body": json.dumps({"ok": True})}
    decision: Callable[[dict[str, Any]], Any] = lambda event: {"isAuthorized": True, "context": {"user_id": "u1"}}
    now: list[float] = field(default_factory=lambda: [1000.0])


ROUTES = (
    Route("GET", "/v1/ping", "tests.fake_local.ping", None, "test", "ping", public=True),
    Route("POST", "/v1/echo", "tests.fake_local.echo", None, "test", "echo", public=True),
    Route("GET", "/v1/things/{id}", "tests.fake_local.thing", Permission.AUTHENTICATED, "test", "a thing",
          memory_mb=512, timeout_s=3),
    Route("GET", "/v1/things/special", "tests.fake_local.special", Permission.AUTHENTICATED, "test", "special"),
    Route("GET", "/v1/files/{path+}", "tests.fake_local.files", None, "test", "files", public=True),
    Route("GET", "/v1/missing", "tests.fake_local.not_written_yet", None, "test", "missing", public=True),
)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    state = Fakes()

    def route_handler(event: dict[str, Any], context: Any) -> Any:
        state.events.append(event)
        state.contexts.append(context)
        return state.result(event)

    def authorizer_handler(event: dict[str, Any], context: Any) -> Any:
        state.authorizer_events.append(event)
        return state.decision(event)

    for name in ("ping", "echo", "thing", "special", "files"):
        module = types.ModuleType(f"tests.fake_local.{name}")
        module.handler = route_handler  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)
    module = types.ModuleType(AUTHORIZER)
    module.handler = authorizer_handler  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, AUTHORIZER, module)
    yield state


def gateway(fakes: Fakes, cache_ttl_s: float = 0) -> Client:
    invoker = Invoker(clock=lambda: fakes.now[0])
    authorizer = GatewayAuthorizer(invoker, FunctionSpec("Authorizer", AUTHORIZER), cache_ttl_s,
                                   clock=lambda: fakes.now[0])
    app = Gateway(Router(ROUTES), invoker, authorizer, CorsPolicy((SPA,)), DevEndpoints(Mailbox()))
    return Client(app, use_cookies=False)


def body(response: Any) -> Any:
    return json.loads(response.get_data())


def test_public_route_gets_a_payload_v2_event(fakes: Fakes) -> None:
    client = gateway(fakes)
    response = client.get("/v1/ping?a=1&a=2&b=&c=x%20y", headers=[
        ("X-Custom", "one"), ("X-Custom", "two"), ("Cookie", "s=1; t=2"), ("User-Agent", "pytest-agent"),
    ])
    assert response.status_code == 200 and body(response) == {"ok": True}
    event = fakes.events[0]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /v1/ping"
    assert event["rawPath"] == "/v1/ping"
    assert event["rawQueryString"] == "a=1&a=2&b=&c=x%20y"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "", "c": "x y"}
    assert event["cookies"] == ["s=1", "t=2"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-custom"] in ("one,two", "one, two")  # werkzeug's test client joins with ", "
    assert all(name == name.lower() for name in event["headers"])
    assert "pathParameters" not in event and "body" not in event and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["routeKey"] == "GET /v1/ping" and context["stage"] == "$default"
    assert context["http"] == {"method": "GET", "path": "/v1/ping", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                               "userAgent": "pytest-agent"}
    assert context["accountId"] == "123456789012" and context["apiId"]
    assert isinstance(context["timeEpoch"], int) and context["time"].endswith("+0000")
    assert context["requestId"] == response.headers["apigw-requestid"]
    assert "authorizer" not in context


def test_duplicate_headers_are_comma_joined_and_cookies_split_out() -> None:
    request = IncomingRequest("GET", "/v1/ping", "", [("X-A", "1"), ("x-a", "2"), ("Cookie", "a=1; b=2"),
                                                     ("cookie", "c=3"), ("Host", "api.local:8000")])
    event = http_event(request, route_key="GET /v1/ping", path_parameters={}, request_id="r",
                       now=datetime(2024, 1, 1, tzinfo=UTC), port=8000)
    assert event["headers"]["x-a"] == "1,2"
    assert event["cookies"] == ["a=1", "b=2", "c=3"]
    assert event["headers"]["x-forwarded-port"] == "8000" and event["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert event["requestContext"]["domainName"] == "api.local:8000"
    assert event["requestContext"]["time"] == "01/Jan/2024:00:00:00 +0000"
    assert event["requestContext"]["timeEpoch"] == 1704067200000


def test_lambda_context_names_the_route_function(fakes: Fakes) -> None:
    fakes.decision = lambda event: {"isAuthorized": True, "context": {}}
    gateway(fakes).get("/v1/things/42", headers={"Authorization": "Bearer t"})
    context = fakes.contexts[0]
    assert context.function_name == ROUTES[2].name
    assert context.memory_limit_in_mb == 512
    assert context.invoked_function_arn.endswith(f":function:{ROUTES[2].name}")
    assert context.aws_request_id
    assert context.get_remaining_time_in_millis() == 3000


def test_text_bodies_pass_as_text_and_binary_as_base64(fakes: Fakes) -> None:
    client = gateway(fakes)
    client.post("/v1/echo", data='{"a": 1}', content_type="application/json")
    client.post("/v1/echo", data=b"\x00\xffbinary", content_type="application/octet-stream")
    text, binary = fakes.events
    assert text["body"] == '{"a": 1}' and text["isBase64Encoded"] is False
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == b"\x00\xffbinary"


def test_path_parameters_and_most_specific_route(fakes: Fakes) -> None:
    client = gateway(fakes)
    client.get("/v1/things/abc%20def", headers={"Authorization": "x"})
    client.get("/v1/things/special", headers={"Authorization": "x"})
    client.get("/v1/files/a/b/c.txt")
    assert fakes.events[0]["pathParameters"] == {"id": "abc def"}
    assert fakes.events[0]["routeKey"] == "GET /v1/things/{id}"
    assert fakes.events[1]["routeKey"] == "GET /v1/things/special" and "pathParameters" not in fakes.events[1]
    assert fakes.events[2]["pathParameters"] == {"path": "a/b/c.txt"}


@pytest.mark.parametrize(("method", "path"), [("GET", "/nope"), ("DELETE", "/v1/ping"), ("GET", "/v1/ping/"),
                                              ("GET", "/_dev/unknown"), ("GET", "/")])
def test_no_route_is_the_default_routes_contract_404(fakes: Fakes, method: str, path: str) -> None:
    response = gateway(fakes).open(path, method=method)
    assert response.status_code == 404 and body(response)["error"]["code"] == "NOT_FOUND"
    assert body(response)["error"]["details"] == []
    assert fakes.events == [] and fakes.authorizer_events == []  # the `$default` function, no authorizer


def test_missing_authorization_is_401_without_calling_the_authorizer(fakes: Fakes) -> None:
    response = gateway(fakes).get("/v1/things/1")
    assert response.status_code == 401 and body(response) == {"message": "Unauthorized"}
    assert fakes.authorizer_events == [] and fakes.events == []


def test_authorizer_event_and_context_reach_the_route(fakes: Fakes) -> None:
    response = gateway(fakes).get("/v1/things/7?x=1", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 200
    auth = fakes.authorizer_events[0]
    assert auth["type"] == "REQUEST" and auth["version"] == "2.0"
    assert auth["identitySource"] == ["Bearer abc"]
    assert auth["routeKey"] == "GET /v1/things/{id}"
    assert auth["routeArn"].startswith("arn:aws:execute-api:us-east-1:123456789012:")
    assert auth["routeArn"].endswith("/$default/GET/v1/things/7")
    assert auth["headers"]["authorization"] == "Bearer abc"
    assert auth["pathParameters"] == {"id": "7"} and auth["queryStringParameters"] == {"x": "1"}
    assert fakes.events[0]["requestContext"]["authorizer"] == {"lambda": {"user_id": "u1"}}


@pytest.mark.parametrize(
    ("decision", "status", "message"),
    [
        ({"isAuthorized": False}, 403, "Forbidden"),
        ({"isAuthorized": "yes"}, 500, "Internal Server Error"),
        ({"policyDocument": {}}, 500, "Internal Server Error"),
        ({"isAuthorized": True, "context": "nope"}, 500, "Internal Server Error"),
    ],
)
def test_authorizer_refusals_and_malformed_answers(fakes: Fakes, decision: dict[str, Any], status: int,
                                                   message: str) -> None:
    fakes.decision = lambda event: decision
    response = gateway(fakes).get("/v1/things/1", headers={"Authorization": "Bearer abc"})
    assert response.status_code == status and body(response) == {"message": message}
    assert fakes.events == []


def test_failing_authorizer_is_500(fakes: Fakes) -> None:
    def explode(event: dict[str, Any]) -> Any:
        raise RuntimeError("authorizer bug")

    fakes.decision = explode
    response = gateway(fakes).get("/v1/things/1", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 500 and body(response) == {"message": "Internal Server Error"}


def test_authorizer_results_are_cached_per_authorization_header(fakes: Fakes) -> None:
    client = gateway(fakes, cache_ttl_s=30)
    for _ in range(3):
        client.get("/v1/things/1", headers={"Authorization": "Bearer a"})
    client.get("/v1/things/special", headers={"Authorization": "Bearer a"})  # same identity, another route
    assert len(fakes.authorizer_events) == 1
    client.get("/v1/things/1", headers={"Authorization": "Bearer b"})
    assert len(fakes.authorizer_events) == 2
    fakes.now[0] += 31
    client.get("/v1/things/1", headers={"Authorization": "Bearer a"})
    assert len(fakes.authorizer_events) == 3


def test_denials_are_cached_too_and_no_cache_means_every_time(fakes: Fakes) -> None:
    fakes.decision = lambda event: {"isAuthorized": False}
    cached = gateway(fakes, cache_ttl_s=30)
    assert [cached.get("/v1/things/1", headers={"Authorization": "x"}).status_code for _ in range(2)] == [403, 403]
    assert len(fakes.authorizer_events) == 1
    uncached = gateway(fakes, cache_ttl_s=0)
    for _ in range(2):
        uncached.get("/v1/things/1", headers={"Authorization": "x"})
    assert len(fakes.authorizer_events) == 3


def test_handler_exception_is_500_like_api_gateway(fakes: Fakes, caplog: pytest.LogCaptureFixture) -> None:
    def explode(event: dict[str, Any]) -> Any:
        raise ValueError("handler bug")

    fakes.result = explode
    response = gateway(fakes).get("/v1/ping")
    assert response.status_code == 500 and body(response) == {"message": "Internal Server Error"}
    assert "handler bug" in caplog.text  # the traceback is logged


def test_missing_handler_module_is_500(fakes: Fakes) -> None:
    response = gateway(fakes).get("/v1/missing")
    assert response.status_code == 500 and body(response) == {"message": "Internal Server Error"}


def test_overrunning_handler_is_failed_as_lambda_would(fakes: Fakes) -> None:
    def slow(event: dict[str, Any]) -> Any:
        fakes.now[0] += 11  # the route's timeout is 10 s
        return {"statusCode": 200, "body": "late"}

    fakes.result = slow
    response = gateway(fakes).get("/v1/ping")
    assert response.status_code == 500


def test_structured_response_is_converted(fakes: Fakes) -> None:
    fakes.result = lambda event: {
        "statusCode": 201,
        "headers": {"Content-Type": "text/plain", "X-Count": 3, "Location": "/v1/things/9"},
        "multiValueHeaders": {"X-Multi": ["a", "b"]},
        "cookies": ["a=1; HttpOnly", "b=2"],
        "body": "created",
    }
    response = gateway(fakes).get("/v1/ping")
    assert response.status_code == 201 and response.get_data() == b"created"
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["x-count"] == "3" and response.headers["location"] == "/v1/things/9"
    assert response.headers.getlist("x-multi") == ["a", "b"]
    assert response.headers.getlist("set-cookie") == ["a=1; HttpOnly", "b=2"]


def test_base64_and_shortcut_responses() -> None:
    binary = from_result({"statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(b"\x01\x02").decode(),
                          "headers": {"content-type": "image/png"}})
    assert binary.body == b"\x01\x02"
    shortcut = from_result({"hello": "world"})
    assert (shortcut.status, shortcut.header("content-type")) == (200, "application/json")
    assert json.loads(shortcut.body) == {"hello": "world"}
    assert json.loads(from_result("plain").body) == "plain"
    assert from_result({"statusCode": 204}).body == b""
    for bad in ({"statusCode": "abc"}, {"statusCode": 700}, {"statusCode": 200, "isBase64Encoded": True, "body": "%%"}):
        with pytest.raises(InvalidResponse):
            from_result(bad)


def test_cors_preflight_is_answered_by_the_gateway(fakes: Fakes) -> None:
    response = gateway(fakes).options("/v1/things/1", headers={
        "Origin": SPA, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization",
    })
    assert response.status_code == 204 and response.get_data() == b""
    assert response.headers["access-control-allow-origin"] == SPA
    assert response.headers["access-control-allow-methods"] == ",".join(API_CORS.allow_methods)
    assert response.headers["access-control-allow-headers"] == ",".join(API_CORS.allow_headers)
    assert response.headers["access-control-max-age"] == str(API_CORS.max_age_s)
    assert fakes.events == [] and fakes.authorizer_events == []


def test_cors_for_another_origin_gets_no_allow_headers(fakes: Fakes) -> None:
    client = gateway(fakes)
    preflight = client.options("/v1/ping", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and "access-control-allow-origin" not in preflight.headers
    response = client.get("/v1/ping", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_headers_on_responses_come_from_the_configuration_only(fakes: Fakes) -> None:
    fakes.result = lambda event: {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": "{}"}
    client = gateway(fakes)
    response = client.get("/v1/ping", headers={"Origin": SPA})
    assert response.headers.getlist("access-control-allow-origin") == [SPA]
    assert response.headers["access-control-expose-headers"] == ",".join(API_CORS.expose_headers)
    assert client.get("/v1/ping").headers.get("access-control-allow-origin") is None
    unauthorized = client.get("/v1/things/1", headers={"Origin": SPA})
    assert unauthorized.status_code == 401 and unauthorized.headers["access-control-allow-origin"] == SPA


def test_docs_page_loads_swagger_ui_on_the_openapi_document(fakes: Fakes) -> None:
    response = gateway(fakes).get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "swagger-ui" in page and "/v1/openapi.json" in page
