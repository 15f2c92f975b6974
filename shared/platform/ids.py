"""Opaque, time-sortable identifiers (ULIDs), ids derived from what they name, and random secrets."""

from __future__ import annotations

import base64
import hashlib
import secrets

from ulid import ULID


def new_id() -> str:
    return str(ULID())


def token(nbytes: int = 32) -> str:
    """A URL-safe random secret."""
    return secrets.token_urlsafe(nbytes)


def derived(*parts: str) -> str:
    """A ULID-shaped id (26 characters, base32) that is the same for the same parts: what a retried request
    or a redelivered event writes under it is recognised as written already (a conditional create)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return "0W" + base64.b32encode(digest).decode().rstrip("=")[:24]
