"""The signing keyring: the current key signs, the current and recently retired ones verify.

The secret (Secrets Manager, made by the stack; made on first start locally) holds
`{"kid": ..., "secret": ..., "previous": [{"kid", "secret", "retired_at"}]}`. Keys are fetched
through powertools parameters with a short cache; an unknown `kid` forces one refetch so a
rotation is picked up at once by every function.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities import parameters

from shared.platform import clock
from shared.platform.settings import settings

CACHE_S = 300
# Access tokens (15 min) and cursors accept a retired key this long after a rotation.
RETIRED_KEY_GRACE_S = 24 * 3600
# Unsubscribe and tracking links in mail already sent keep verifying this long (CAN-SPAM asks
# for at least 30 days of working unsubscribe; old newsletters get read for months).
LINK_KEY_RETENTION_S = 400 * 24 * 3600


@dataclass(frozen=True)
class Keyring:
    current_kid: str
    keys: dict[str, bytes]
    retired_at: dict[str, int] = field(default_factory=dict)  # kid -> epoch seconds; current absent

    def accepts(self, kid: str, *, retired_within_s: int, now_epoch: int) -> bool:
        """Known, and current or retired recently enough for this use."""
        if kid not in self.keys:
            return False
        retired = self.retired_at.get(kid)
        return retired is None or retired > now_epoch - retired_within_s

    @property
    def current(self) -> bytes:
        return self.keys[self.current_kid]

    def derived(self, purpose: str, kid: str | None = None) -> bytes:
        """A key for one purpose (cursors, one-time tokens), so no two uses share raw key bytes."""
        base = self.keys[kid or self.current_kid]
        return hmac.new(base, purpose.encode(), hashlib.sha256).digest()


def parse(document: dict[str, Any]) -> Keyring:
    keys = {str(document["kid"]): str(document["secret"]).encode()}
    retired: dict[str, int] = {}
    for old in document.get("previous", []):
        if str(old["kid"]) not in keys:
            keys[str(old["kid"])] = str(old["secret"]).encode()
            retired[str(old["kid"])] = int(old.get("retired_at", 0))
    return Keyring(current_kid=str(document["kid"]), keys=keys, retired_at=retired)


def keyring(*, refresh: bool = False) -> Keyring:
    secret_id = settings().require("signing_key_secret_id")
    document = parameters.get_secret(secret_id, transform="json", max_age=CACHE_S, force_fetch=refresh)
    return parse(document)


def key_for(kid: str) -> bytes | None:
    """The key with this id for short-lived tokens (access JWTs): current or retired within a day.

    Refetches once if the id is not (yet) known, so a rotation is seen at once.
    """
    ring = keyring()
    if kid not in ring.keys:
        ring = keyring(refresh=True)
    if not ring.accepts(kid, retired_within_s=RETIRED_KEY_GRACE_S, now_epoch=clock.epoch()):
        return None
    return ring.keys[kid]


def rotated(document: dict[str, Any], *, new_kid: str, new_secret: str, now_epoch: int) -> dict[str, Any]:
    """The keyring document after a rotation: a new current key. Retired keys are kept for
    `LINK_KEY_RETENTION_S` (links in mail already sent must keep working); short-lived tokens
    accept them for `RETIRED_KEY_GRACE_S` only."""
    previous = [
        old for old in document.get("previous", [])
        if int(old.get("retired_at", now_epoch)) > now_epoch - LINK_KEY_RETENTION_S
    ]
    previous.insert(0, {"kid": document["kid"], "secret": document["secret"], "retired_at": now_epoch})
    return {"kid": new_kid, "secret": new_secret, "previous": previous}
