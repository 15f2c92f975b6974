"""Call handlers as API Gateway would: a v2 event, the authorizer first for non-public routes."""

from __future__ import annotations

import importlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from shared.spec.routes import ROUTES, Route


@dataclass
class FakeContext:
    function_name: str = "test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    parts = path.split("?")[0].strip("/").split("/")
    found = []
    for route in ROUTES:
        pattern = route.path.strip("/").split("/")
        if route.method != method or len(pattern) != len(parts):
            continue
        params: dict[str, str] = {}
        for want, got in zip(pattern, parts, strict=True):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            found.append((len(params), route, params))
    if found:  # the most specific wins, as in API Gateway: /v1/tenancies/rent-increase-plan over /{id}
        _, route, params = min(found, key=lambda f: f[0])
        return route, params
    raise LookupError(f"no route for {method} {path}")


def call(method: str, path: str, *, json_body: Any = None, body: str | None = None, token: str | None = None,
         headers: dict[str, str] | None = None, query: dict[str, str] | None = None) -> Answer:
    route, params = find_route(method, path)
    all_headers = {"content-type": "application/json", "user-agent": "pytest"}
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    raw_body = body if body is not None else (json.dumps(json_body) if json_body is not None else None)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": all_headers,
        "queryStringParameters": query,
        "pathParameters": params or None,
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9",
                     "userAgent": all_headers["user-agent"]},
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }
    if not route.public:
        if "authorization" not in all_headers:
            return Answer(401, {"message": "Unauthorized"}, {})
        authorizer = importlib.import_module("functions.authorizer")
        decision = authorizer.handler({"type": "REQUEST", "headers": all_headers}, FakeContext())
        if not decision["isAuthorized"]:
            return Answer(403, {"message": "Forbidden"}, {})
        event["requestContext"]["authorizer"] = {"lambda": decision["context"]}
    module = importlib.import_module(route.handler)
    response = module.handler(event, FakeContext(function_name=route.name, aws_request_id=str(uuid.uuid4())))
    text = response.get("body") or ""
    answer_headers = response.get("headers") or {}
    content_type = next((v for k, v in answer_headers.items() if k.lower() == "content-type"), "application/json")
    if text and not content_type.startswith("application/json"):  # CSV, JSON Lines, HTML: the text as it is
        return Answer(int(response["statusCode"]), text, answer_headers)
    return Answer(int(response["statusCode"]), json.loads(text) if text else None, answer_headers)
