"""argon2id password hashing (argon2-cffi defaults: RFC 9106 low-memory profile)."""

from __future__ import annotations

import base64
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.platform.settings import settings

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """argon2id with RFC 9106's low-memory profile; `PASSWORD_HASH_PROFILE=fast` is for test suites
    only (a hash made with it is rehashed to the real profile at the next login: `needs_rehash`)."""
    if settings().password_hash_profile == "fast":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A well-formed hash with the live profile's parameters that no password matches, built without
    hashing: verifying against it costs exactly one argon2 run, like a real user's hash, and the first
    unknown email after a cold start pays no extra `hash()` (which would be its own timing signal)."""
    hasher = _hasher()
    salt = base64.b64encode(b"porchlight-dummy"[: hasher.salt_len].ljust(hasher.salt_len, b"\0")).decode()
    digest = base64.b64encode(bytes(hasher.hash_len)).decode()
    return (f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
            f"${salt.rstrip('=')}${digest.rstrip('=')}")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Constant-work check: an unknown user (or community) costs the same one argon2 verify as a
    known user with a wrong password; callers must call this exactly once on every path."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
