"""Access tokens (JWT, HS256, `kid` for rotation) and opaque refresh tokens.

Access tokens live 15 minutes and carry identifiers only. Every other token (refresh, MFA
challenge, email verification, invitation) is opaque: a random string prefixed with the community
id, so it can be found under its tenant's keys; only its SHA-256 is stored, and lookups go by that
hash (the database compares digests, never the secret itself).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import jwt

from shared.platform import clock, ids, signing
from shared.platform.context import SCOPE_FULL, Caller
from shared.platform.errors import TokenInvalid
from shared.spec.permissions import Role

ACCESS_TTL_S = 15 * 60
REFRESH_TTL_S = 30 * 24 * 3600
ISSUER = "porchlight"
AUDIENCE = "porchlight-api"
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class AccessClaims:
    caller: Caller
    expires_at: int


def issue_access(caller: Caller) -> str:
    ring = signing.keyring()
    issued = clock.epoch()
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": caller.user_id,
        "cid": caller.community_id,
        "role": str(caller.role),
        "sid": caller.session_id,
        "scope": caller.scope,
        "iat": issued,
        "exp": issued + ACCESS_TTL_S,
    }
    return jwt.encode(claims, ring.current, algorithm=_ALGORITHM, headers={"kid": ring.current_kid})


def verify_access(token: str) -> AccessClaims:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = signing.key_for(str(kid)) if kid else None
        if key is None:
            raise TokenInvalid()
        claims = jwt.decode(
            token,
            key,
            algorithms=[_ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            # Expiry is checked below against our clock (which tests may move), not PyJWT's.
            options={"require": ["exp", "iat", "sub", "cid", "sid", "role"], "verify_exp": False,
                     "verify_iat": False},
        )
        if int(claims["exp"]) <= clock.epoch():
            raise TokenInvalid()
        caller = Caller(
            user_id=str(claims["sub"]),
            community_id=str(claims["cid"]),
            role=Role(str(claims["role"])),
            session_id=str(claims["sid"]),
            scope=str(claims.get("scope", SCOPE_FULL)),
        )
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise TokenInvalid() from exc
    return AccessClaims(caller=caller, expires_at=int(claims["exp"]))


def new_opaque(community_id: str) -> str:
    return f"{community_id}.{ids.token(32)}"


def opaque_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def opaque_community(token: str) -> str:
    community_id, sep, secret = token.partition(".")
    if not sep or not community_id or len(secret) < 32 or "#" in community_id or len(token) > 200:
        raise TokenInvalid()
    return community_id
