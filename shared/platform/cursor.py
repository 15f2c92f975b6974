"""Opaque pagination cursors, signed and bound to the caller's community.

A cursor is the DynamoDB `LastEvaluatedKey` plus the community id, serialised and HMAC-signed
with a key derived from the signing keyring. A cursor from another community, a tampered one
or garbage is answered 400 `INVALID_CURSOR`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from shared.platform import clock, signing
from shared.platform.errors import InvalidCursor

_PURPOSE = "cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(community_id: str, last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    ring = signing.keyring()
    payload = _b64(json.dumps({"c": community_id, "k": last_key}, separators=(",", ":")).encode())
    mac = hmac.new(ring.derived(_PURPOSE), f"{ring.current_kid}.{payload}".encode(), hashlib.sha256)
    return f"{ring.current_kid}.{payload}.{_b64(mac.digest())}"


def decode(community_id: str, cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        kid, payload, mac = cursor.split(".")
        ring = signing.keyring()
        if not ring.accepts(kid, retired_within_s=signing.RETIRED_KEY_GRACE_S, now_epoch=clock.epoch()):
            raise InvalidCursor()
        expected = hmac.new(ring.derived(_PURPOSE, kid), f"{kid}.{payload}".encode(), hashlib.sha256)
        if not hmac.compare_digest(expected.digest(), _unb64(mac)):
            raise InvalidCursor()
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor() from exc
    if not isinstance(data, dict) or data.get("c") != community_id or not isinstance(data.get("k"), dict):
        raise InvalidCursor()
    return data["k"]
