"""Bring a freshly signed-up admin to the state the product expects before real work: MFA enrolled
(their role requires it), email verified, and a full-scope token from a refresh. The dedicated
identity tests exercise each of those steps on their own; other tests start from here."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pyotp

from shared.messaging import repository
from shared.platform import clock

# (method, path, token, json) -> (status, body): the integration `call` or the e2e HTTP client.
Send = Callable[[str, str, str | None, Any], tuple[int, Any]]


def enroll(send: Send, token: str) -> tuple[str, list[str]]:
    """Set up and confirm TOTP; the secret and the backup codes."""
    status, setup = send("POST", "/v1/auth/mfa/totp/setup", token, None)
    assert status == 200, setup
    secret = setup["secret"]
    status, confirmed = send("POST", "/v1/auth/mfa/totp/confirm", token, {"code": pyotp.TOTP(secret).at(clock.now())})
    assert status == 200, confirmed
    return secret, confirmed["backup_codes"]


def make_ready(send: Send, body: dict[str, Any], verify: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Enroll, verify the email (`verify` gets the signup body), refresh: the body with full tokens."""
    secret, codes = enroll(send, body["access_token"])
    verify(body)
    status, refreshed = send("POST", "/v1/auth/refresh", None, {"refresh_token": body["refresh_token"]})
    assert status == 200, refreshed
    return {**body, **refreshed, "totp_secret": secret, "backup_codes": codes}


def mailed_token(community_id: str, to: str, path: str) -> str:
    """The token in the newest outbox message to `to` linking to `path` (read from the table)."""
    pattern = re.compile(re.escape(path) + r"\?token=([A-Za-z0-9_.\-%]+)")
    messages, _ = repository.list_all(community_id, limit=200, after=None)
    for message in messages:  # newest first
        found = pattern.search(message.text)
        if message.to == to.lower() and found:
            return unquote(found.group(1))
    raise AssertionError(f"no {path} mail to {to}")
