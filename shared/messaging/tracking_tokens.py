"""Signed tracking tokens: what an open pixel, a click link or an unsubscribe link is about.

A token is `t1.{kid}.{payload}.{mac}`:

- `t1` is the format version, `kid` the signing key it was made with (so a rotation does not
  break links already sent, for as long as the keyring keeps that key);
- `payload` is base64url JSON with the kind, community id and message id (+ channel and address
  for unsubscribe, + the target URL for click);
- `mac` is base64url HMAC-SHA256 (truncated to 128 bits, plenty against forgery and half the
  URL length) over `t1.{kid}.{payload}` with the keyring's key derived for purpose "tracking".

The payload is signed, not encrypted: it holds nothing the recipient of the mail does not
already know. The kind is inside the MAC, so an open token is not a click or unsubscribe
token, and knowing message ids does not help to make one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from shared.platform import signing
from shared.platform.channels import Channel

VERSION = "t1"
PURPOSE = "tracking"
MAC_BYTES = 16
MAX_TOKEN_LENGTH = 4096  # refuse before any work: a click payload is at most ~2.8 KB
MAX_URL_LENGTH = 2048
_REFRESH_EVERY_S = 60.0  # an unknown kid refetches the keyring at most this often (public endpoints)
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
_KID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_last_refresh: float | None = None


class Kind(StrEnum):
    OPEN = "o"
    CLICK = "c"
    UNSUBSCRIBE = "u"


@dataclass(frozen=True)
class Claims:
    kind: Kind
    community_id: str
    message_id: str
    channel: Channel | None = None  # unsubscribe only
    address: str | None = None  # unsubscribe only
    url: str | None = None  # click only


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, kid: str, payload: str) -> str:
    digest = hmac.new(key, f"{VERSION}.{kid}.{payload}".encode(), hashlib.sha256).digest()
    return _b64(digest[:MAC_BYTES])


def is_trackable_url(url: str) -> bool:
    """An absolute http(s) URL we are willing to sign and later put in a Location header.

    Only printable ASCII, no whitespace or backslashes (browsers read `\\` as `/`), and a host:
    anything else is left untracked by the link rewriter and refused by verification.
    """
    if not url or len(url) > MAX_URL_LENGTH or not url.isascii():
        return False
    if any(ch <= " " or ch == "\x7f" or ch == "\\" for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def sign(claims: Claims, ring: signing.Keyring | None = None) -> str:
    """The token for these claims, signed with the current key of `ring` (default: the keyring)."""
    ring = ring or signing.keyring()
    if not _KID.match(ring.current_kid):
        raise ValueError("the signing key id cannot be used in a URL token")
    if "#" in claims.community_id or not claims.community_id or not claims.message_id:
        raise ValueError("a community id and a message id are required")
    body: dict[str, str] = {"k": str(claims.kind), "c": claims.community_id, "m": claims.message_id}
    if claims.kind == Kind.CLICK:
        if claims.url is None or not is_trackable_url(claims.url):
            raise ValueError("a click token needs an absolute http(s) URL")
        body["u"] = claims.url
    if claims.kind == Kind.UNSUBSCRIBE:
        if claims.channel is None or not claims.address:
            raise ValueError("an unsubscribe token needs a channel and an address")
        body["ch"], body["a"] = str(claims.channel), claims.address
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    kid = ring.current_kid
    return f"{VERSION}.{kid}.{payload}.{_mac(ring.derived(PURPOSE, kid), kid, payload)}"


def _ring_with(kid: str) -> signing.Keyring | None:
    """The keyring if it holds `kid`; refetched (rate-limited) when the kid is not known yet.

    A mail signed right after a rotation may be opened before this container's cached keyring
    has the new key; refetching on every unknown kid would let anyone hammer Secrets Manager.
    """
    global _last_refresh
    ring = signing.keyring()
    if kid in ring.keys:
        return ring
    now = time.monotonic()
    if _last_refresh is not None and now - _last_refresh < _REFRESH_EVERY_S:
        return None
    _last_refresh = now
    ring = signing.keyring(refresh=True)
    return ring if kid in ring.keys else None


def _claims(kind: Kind, data: Any) -> Claims | None:
    if not isinstance(data, dict) or data.get("k") != str(kind):
        return None
    community_id, message_id = data.get("c"), data.get("m")
    if not isinstance(community_id, str) or not isinstance(message_id, str):
        return None
    if not community_id or "#" in community_id or not message_id:
        return None
    if kind == Kind.CLICK:
        url = data.get("u")
        if not isinstance(url, str) or not is_trackable_url(url):
            return None
        return Claims(kind, community_id, message_id, url=url)
    if kind == Kind.UNSUBSCRIBE:
        channel, address = data.get("ch"), data.get("a")
        if channel not in {str(c) for c in Channel} or not isinstance(address, str) or not address:
            return None
        return Claims(kind, community_id, message_id, channel=Channel(channel), address=address)
    return Claims(kind, community_id, message_id)


def verify(token: str, kind: Kind) -> Claims | None:
    """The claims of a genuine token of this kind, or None (never an exception: callers decide
    whether an invalid token is a 404 or, for the pixel, nothing at all)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    parts = token.split(".")
    if len(parts) != 4:
        return None
    version, kid, payload, mac = parts
    if version != VERSION or not _KID.match(kid) or not _B64.match(payload) or not _B64.match(mac):
        return None
    ring = _ring_with(kid)
    if ring is None:
        return None
    expected = _mac(ring.derived(PURPOSE, kid), kid, payload)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        return None
    try:
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError):
        return None
    return _claims(kind, data)
