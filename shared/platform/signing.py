"""The signing keyring: the current key signs, the current and recently retired ones verify.

The secret (Secrets Manager, made by the stack; made on first start locally) holds
`{"kid": ..., "secret": ..., "previous": [{"kid", "secret", "retired_at"}]}`. Keys are fetched
through powertools parameters with a short cache; an unknown `kid` forces one refetch so a
rotation is picked up at once by every function.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities import parameters

from shared.platform.settings import settings

CACHE_S = 300


@dataclass(frozen=True)
class Keyring:
    current_kid: str
    keys: dict[str, bytes]

    @property
    def current(self) -> bytes:
        return self.keys[self.current_kid]

    def derived(self, purpose: str, kid: str | None = None) -> bytes:
        """A key for one purpose (cursors, one-time tokens), so no two uses share raw key bytes."""
        base = self.keys[kid or self.current_kid]
        return hmac.new(base, purpose.encode(), hashlib.sha256).digest()


def parse(document: dict[str, Any]) -> Keyring:
    keys = {str(document["kid"]): str(document["secret"]).encode()}
    for old in document.get("previous", []):
        keys.setdefault(str(old["kid"]), str(old["secret"]).encode())
    return Keyring(current_kid=str(document["kid"]), keys=keys)


def keyring(*, refresh: bool = False) -> Keyring:
    secret_id = settings().require("signing_key_secret_id")
    document = parameters.get_secret(secret_id, transform="json", max_age=CACHE_S, force_fetch=refresh)
    return parse(document)


def key_for(kid: str) -> bytes | None:
    """The key with this id, refetching once if it is not (yet) known."""
    ring = keyring()
    if kid not in ring.keys:
        ring = keyring(refresh=True)
    return ring.keys.get(kid)


RETIRED_KEY_GRACE_S = 24 * 3600  # far longer than an access token (15 min) or a cursor's use


def rotated(document: dict[str, Any], *, new_kid: str, new_secret: str, now_epoch: int) -> dict[str, Any]:
    """The keyring document after a rotation: a new current key; the old one verifies for a day."""
    previous = [
        old for old in document.get("previous", [])
        if int(old.get("retired_at", now_epoch)) > now_epoch - RETIRED_KEY_GRACE_S
    ]
    previous.insert(0, {"kid": document["kid"], "secret": document["secret"], "retired_at": now_epoch})
    return {"kid": new_kid, "secret": new_secret, "previous": previous}
