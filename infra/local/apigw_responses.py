"""A handler's result turned into an HTTP response, as API Gateway HTTP API (payload 2.0) does.

With a `statusCode` the result is a structured response (headers, cookies, base64 body);
without one, API Gateway takes the whole result as a JSON 200 body. The gateway's own errors
(`{"message": "..."}`) are built here too so every answer has one shape.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any


class InvalidResponse(ValueError):
    """The handler returned something API Gateway would answer with a 500 for."""


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def gateway_error(status: int, message: str) -> HttpResponse:
    """An answer made by API Gateway itself (no function ran, or it failed)."""
    return HttpResponse(status, [("content-type", "application/json")], json.dumps({"message": message}).encode())


NOT_FOUND = "Not Found"
UNAUTHORIZED = "Unauthorized"
FORBIDDEN = "Forbidden"
INTERNAL = "Internal Server Error"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def from_result(result: Any) -> HttpResponse:
    """The HTTP response for a handler's return value."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # No statusCode: the payload is the body (200, JSON).
        return HttpResponse(200, [("content-type", "application/json")], json.dumps(result).encode())
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError) as error:
        raise InvalidResponse(f"statusCode {result['statusCode']!r} is not a number") from error
    if not 100 <= status <= 599:
        raise InvalidResponse(f"statusCode {status} is out of range")
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name), _text(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values or []:
            headers.append((str(name), _text(value)))
    for cookie in result.get("cookies") or []:
        headers.append(("set-cookie", str(cookie)))
    body = result.get("body")
    if body is None:
        payload = b""
    elif result.get("isBase64Encoded"):
        try:
            payload = base64.b64decode(str(body), validate=True)
        except (binascii.Error, ValueError) as error:
            raise InvalidResponse("isBase64Encoded is true but the body is not base64") from error
    else:
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return HttpResponse(status, headers, payload)
