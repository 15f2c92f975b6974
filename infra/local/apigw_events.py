"""HTTP requests as API Gateway HTTP API hands them to Lambda: payload format 2.0.

Handlers are written against the real event (powertools' `APIGatewayHttpResolver` parses it),
so the local server builds exactly that shape: lower-cased, comma-joined headers, cookies
split out of the `cookie` header, comma-joined duplicate query parameters, base64 bodies for
non-text content, and a full `requestContext`. The authorizer event is the REQUEST authorizer
payload 2.0 built from the same request.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from infra.local.config import ACCOUNT_ID, API_ID, REGION

STAGE = "$default"

_TEXT_TYPES = (
    "application/json",
    "application/xml",
    "application/javascript",
    "application/x-www-form-urlencoded",
    "application/graphql",
    "application/x-yaml",
    "application/yaml",
)


@dataclass(frozen=True)
class IncomingRequest:
    """The parts of an HTTP request the gateway looks at, independent of the WSGI server."""

    method: str
    raw_path: str  # as received, percent-encoded
    raw_query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ",".join(values) if values else None


def new_request_id() -> str:
    """An id shaped like API Gateway's (`apigw-requestid`)."""
    return base64.b64encode(secrets.token_bytes(10)).decode()


def is_text(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return (
        media.startswith("text/")
        or media in _TEXT_TYPES
        or media.endswith("+json")
        or media.endswith("+xml")
    )


def _headers(request: IncomingRequest, port: int | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in request.headers:
        key = name.lower()
        if key == "cookie":
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    # What API Gateway adds in front of every integration.
    forwarded = headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{forwarded}, {request.source_ip}" if forwarded else request.source_ip
    headers.setdefault("x-forwarded-proto", "http")
    if port is not None:
        headers.setdefault("x-forwarded-port", str(port))
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(datetime.now(UTC).timestamp()):08x}-{secrets.token_hex(12)}")
    return headers


def _cookies(request: IncomingRequest) -> list[str]:
    cookies: list[str] = []
    for name, value in request.headers:
        if name.lower() == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
    return cookies


def _query(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def _time(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def request_context(
    request: IncomingRequest, *, route_key: str, request_id: str, now: datetime, domain_name: str
) -> dict[str, Any]:
    return {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": domain_name,
        "domainPrefix": domain_name.split(".", 1)[0].split(":", 1)[0],
        "http": {
            "method": request.method,
            "path": unquote(request.raw_path),
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": request.header("user-agent") or "",
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": STAGE,
        "time": _time(now),
        "timeEpoch": int(now.timestamp() * 1000),
    }


def http_event(
    request: IncomingRequest,
    *,
    route_key: str,
    path_parameters: dict[str, str],
    request_id: str,
    now: datetime,
    port: int | None = None,
) -> dict[str, Any]:
    """The payload 2.0 event for a request routed to `route_key` (no authorizer context yet)."""
    domain_name = request.header("host") or "localhost"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": _headers(request, port),
        "requestContext": request_context(
            request, route_key=route_key, request_id=request_id, now=now, domain_name=domain_name
        ),
        "isBase64Encoded": False,
    }
    cookies = _cookies(request)
    if cookies:
        event["cookies"] = cookies
    query = _query(request.raw_query)
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if request.body:
        if is_text(request.header("content-type")):
            event["body"] = request.body.decode("utf-8", errors="replace")
        else:
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def route_arn(request: IncomingRequest) -> str:
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{API_ID}/{STAGE}/{request.method}{request.raw_path}"


def authorizer_event(event: dict[str, Any], request: IncomingRequest, identity: list[str]) -> dict[str, Any]:
    """The REQUEST authorizer payload 2.0 for the route event `event`."""
    authorizer: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn(request),
        "identitySource": identity,
        "routeKey": event["routeKey"],
        "rawPath": event["rawPath"],
        "rawQueryString": event["rawQueryString"],
        "headers": dict(event["headers"]),
        "requestContext": dict(event["requestContext"]),
    }
    for optional in ("cookies", "queryStringParameters", "pathParameters", "stageVariables"):
        if optional in event:
            authorizer[optional] = event[optional]
    return authorizer
