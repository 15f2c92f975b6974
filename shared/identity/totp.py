"""TOTP (RFC 6238: SHA1, 6 digits, 30 s — what Google Authenticator and friends speak) and backup codes.

Plain functions, no AWS. Verification returns the matched time step so the caller can refuse a
code that was already used (replay): a code is accepted only for a step later than the last one.
Backup codes carry ~50 bits of entropy, so a SHA-256 digest is enough at rest (a slow hash buys
nothing against a 5-attempt limit and would make each check cost ten argon2 runs).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp

ISSUER = "Porchlight"
DIGITS = 6
PERIOD_S = 30
VALID_WINDOW = 1  # one step either side: clocks drift and people type slowly
BACKUP_CODES = 10
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_BACKUP_LENGTH = 10


@dataclass(frozen=True)
class Enrollment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, RFC 4226's recommended key size


def enrollment(secret: str, *, account: str) -> Enrollment:
    """The secret, its `otpauth://` URI (label `account`, issuer Porchlight) and a QR code of it as SVG."""
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_S).provisioning_uri(name=account, issuer_name=ISSUER)
    import segno  # only the setup endpoint draws QR codes: keep it off every other cold start

    qr = segno.make(uri, error="m")
    return Enrollment(secret=secret, otpauth_uri=uri, qr_svg=qr.svg_inline(scale=4))


def code_at(secret: str, at: float) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_S).at(int(at))


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step whose code equals `code` (within the window), compared in constant time; else None."""
    candidate = code.strip().replace(" ", "")
    if len(candidate) != DIGITS or not candidate.isdigit():
        return None
    moment = time.time() if now is None else now
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_S)
    step = int(moment // PERIOD_S)
    found: int | None = None
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        # Check every step (no early exit) so timing does not tell which one matched.
        if hmac.compare_digest(totp.generate_otp(step + offset), candidate):
            found = step + offset
    return found


def new_backup_codes() -> list[str]:
    """Ten codes shaped `xxxxx-xxxxx`, shown to the user once."""
    codes = []
    for _ in range(BACKUP_CODES):
        raw = "".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(_BACKUP_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_backup_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def backup_code_hash(code: str) -> str:
    return hashlib.sha256(f"porchlight-backup:{normalise_backup_code(code)}".encode()).hexdigest()
