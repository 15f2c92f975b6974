"""Opaque, time-sortable identifiers (ULIDs) and random secrets."""

from __future__ import annotations

import secrets

from ulid import ULID


def new_id() -> str:
    return str(ULID())


def token(nbytes: int = 32) -> str:
    """A URL-safe random secret."""
    return secrets.token_urlsafe(nbytes)
