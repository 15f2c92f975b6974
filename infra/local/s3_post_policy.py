"""S3's browser-upload (POST Object) checks, which moto's server does not make: enforced here, as S3 does.

moto stores whatever a multipart/form-data POST sends, whatever its policy says. S3 does not: it
checks the SigV4 signature of the policy, the policy's expiration, every condition (exact and
`starts-with` matches, `content-length-range`), and that every form field is covered by a
condition. `PostPolicyGate` wraps the embedded AWS's WSGI app and makes those checks, answering
S3's own error codes, so a presigned POST behaves locally as it does against S3: it uploads
exactly the key, type and size it was signed for, and nothing else.

Reference: "Authenticating Requests in Browser-Based Uploads Using POST (AWS Signature Version 4)"
and "Creating a POST Policy" in the Amazon S3 API reference.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.formparser import parse_form_data

# Fields a policy never has to mention (S3: "except x-amz-signature, file, policy, and x-ignore-*").
_UNCONDITIONED = frozenset({"policy", "x-amz-signature", "file"})
_ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str

    def xml(self) -> bytes:
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(self.code)}</Code>'
                f"<Message>{escape(self.message)}</Message></Error>").encode()


def _denied(message: str) -> Refusal:
    return Refusal(403, "AccessDenied", message)


def signing_key(secret: str, date: str, region: str, service: str = "s3") -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(policy_b64: str, secret: str, date: str, region: str) -> str:
    return hmac.new(signing_key(secret, date, region), policy_b64.encode(), hashlib.sha256).hexdigest()


def _expiration(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _condition(condition: Any) -> tuple[str, str, Any, Any]:
    """(operator, field, value, extra) of a policy condition; ValueError when malformed."""
    if isinstance(condition, dict) and len(condition) == 1:
        ((name, value),) = condition.items()
        return "eq", str(name).lower(), str(value), None
    if isinstance(condition, list) and len(condition) == 3:
        operator = str(condition[0]).lower()
        if operator == "content-length-range":
            return operator, "", int(condition[1]), int(condition[2])
        if operator in ("eq", "starts-with") and str(condition[1]).startswith("$"):
            return operator, str(condition[1])[1:].lower(), str(condition[2]), None
    raise ValueError(f"unsupported condition {condition!r}")


def _signature_refusal(fields: Mapping[str, str], secret_for: Callable[[str], str | None]) -> Refusal | None:
    if fields.get("x-amz-algorithm") != _ALGORITHM:
        return Refusal(400, "InvalidArgument", f"x-amz-algorithm must be {_ALGORITHM}")
    parts = fields.get("x-amz-credential", "").split("/")
    if len(parts) != 5 or parts[3:] != ["s3", "aws4_request"]:
        return Refusal(400, "InvalidArgument", "x-amz-credential is malformed")
    access_key, date, region = parts[0], parts[1], parts[2]
    secret = secret_for(access_key)
    if secret is None:
        return Refusal(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    expected = sign(fields["policy"], secret, date, region)
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "")):
        return Refusal(403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided.")
    return None


def check(fields: Mapping[str, str], file_size: int, bucket: str, *, secret_for: Callable[[str], str | None],
          now: datetime | None = None) -> Refusal | None:
    """Why S3 would refuse this POST upload, or None when it would store it.

    `fields` are the form fields other than the file (names in any case), `file_size` the file's
    length in bytes, `bucket` the bucket the form was posted to.
    """
    fields = {name.lower(): value for name, value in fields.items()}
    if "policy" not in fields or "x-amz-signature" not in fields:
        return _denied("Access Denied")
    refusal = _signature_refusal(fields, secret_for)
    if refusal is not None:
        return refusal
    try:
        policy = json.loads(base64.b64decode(fields["policy"], validate=True))
        expires = _expiration(str(policy["expiration"]))
        conditions = [_condition(c) for c in policy["conditions"]]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return Refusal(400, "InvalidPolicyDocument", "Invalid Policy: the policy document is malformed.")
    if (now or datetime.now(UTC)) >= expires:
        return _denied("Invalid according to Policy: Policy expired.")
    values = {**fields, "bucket": bucket}
    covered = set()
    for operator, name, value, extra in conditions:
        if operator == "content-length-range":
            if file_size < value:
                return Refusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            if file_size > extra:
                return Refusal(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            continue
        covered.add(name)
        actual = values.get(name, "")
        if (operator == "eq" and actual != value) or (operator == "starts-with" and not actual.startswith(value)):
            shown = json.dumps([operator, f"${name}", value])
            return _denied(f"Invalid according to Policy: Policy Condition failed: {shown}")
    extra_fields = sorted(n for n in fields if n not in covered and n not in _UNCONDITIONED
                          and not n.startswith("x-ignore-"))
    if extra_fields:
        return _denied(f"Invalid according to Policy: Extra input fields: {', '.join(extra_fields)}")
    return None


StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class PostPolicyGate:
    """WSGI middleware: S3 POST Object uploads (multipart forms with a `key`) are checked before moto."""

    def __init__(self, app: WsgiApp, secret_for: Callable[[str], str | None],
                 cors_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.secret_for = secret_for
        self.cors_origins = frozenset(cors_origins)  # the bucket's CORS rule: S3 adds it to errors too

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        content_type = str(environ.get("CONTENT_TYPE", ""))
        if environ.get("REQUEST_METHOD") != "POST" or not content_type.startswith("multipart/form-data"):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        parsing = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        _, form, files = parse_form_data(parsing, max_form_memory_size=None)
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads the same bytes again
        if "key" not in {k.lower() for k in form}:
            return self.app(environ, start_response)
        upload = files.get("file")
        size = len(upload.read()) if upload is not None else 0
        bucket = str(environ.get("PATH_INFO", "")).strip("/").split("/", 1)[0]
        refusal = check({k: form[k] for k in form}, size, bucket, secret_for=self.secret_for)
        if refusal is None:
            return self.app(environ, start_response)
        headers = [("Content-Type", "application/xml")]
        origin = str(environ.get("HTTP_ORIGIN", ""))
        if origin in self.cors_origins:  # so the SPA can read why, as it can from S3
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", "ETag"),
                        ("Vary", "Origin")]
        start_response(f"{refusal.status} {'Forbidden' if refusal.status == 403 else 'Bad Request'}", headers)
        return [refusal.xml()]
