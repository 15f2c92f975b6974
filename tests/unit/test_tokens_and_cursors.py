import base64
import json

import jwt
import pytest

from shared.identity import tokens
from shared.platform import clock, cursor
from shared.platform.context import SCOPE_FULL, Caller
from shared.platform.errors import InvalidCursor, TokenInvalid
from shared.spec.permissions import Role
from tests.unit.conftest import KEYRING

pytestmark = pytest.mark.unit

CALLER = Caller(user_id="u1", community_id="c1", role=Role.MANAGER, session_id="s1", scope=SCOPE_FULL)


@pytest.fixture(autouse=True)
def reset_clock():  # type: ignore[no-untyped-def]
    yield
    clock.travel(0)


def test_access_token_round_trip_carries_kid_and_identity() -> None:
    token = tokens.issue_access(CALLER)
    assert jwt.get_unverified_header(token)["kid"] == "k2"
    claims = tokens.verify_access(token)
    assert claims.caller == CALLER


def test_access_token_expires_after_fifteen_minutes() -> None:
    token = tokens.issue_access(CALLER)
    clock.travel(tokens.ACCESS_TTL_S - 5)
    tokens.verify_access(token)
    clock.travel(10)
    with pytest.raises(TokenInvalid):
        tokens.verify_access(token)


def test_a_token_signed_with_a_retired_but_kept_key_verifies() -> None:
    claims = {"iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "sub": "u", "cid": "c", "sid": "s", "role": "admin",
              "iat": clock.epoch(), "exp": clock.epoch() + 60}
    old = jwt.encode(claims, KEYRING.keys["k1"], algorithm="HS256", headers={"kid": "k1"})
    assert tokens.verify_access(old).caller.user_id == "u"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # bad signature
        lambda t: jwt.encode(jwt.decode(t, options={"verify_signature": False}), "", algorithm="none"),
        lambda t: jwt.encode(jwt.decode(t, options={"verify_signature": False}), KEYRING.current, algorithm="HS256",
                             headers={"kid": "unknown"}),
        lambda t: "not-a-jwt",
    ],
    ids=["tampered", "alg-none", "unknown-kid", "garbage"],
)
def test_forged_tokens_are_refused(mutate) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TokenInvalid):
        tokens.verify_access(mutate(tokens.issue_access(CALLER)))


def test_refresh_tokens_name_their_community_and_are_stored_hashed() -> None:
    token = tokens.new_opaque("c1")
    assert tokens.opaque_community(token) == "c1"
    assert token not in tokens.opaque_hash(token) and len(tokens.opaque_hash(token)) == 64
    for bad in ("", "c1", "c1.short", "a#b." + "x" * 40):
        with pytest.raises(TokenInvalid):
            tokens.opaque_community(bad)


def test_cursor_round_trip_and_binding_to_the_community() -> None:
    key = {"pk": "C#c1", "sk": "SESSION#u#s"}
    token = cursor.encode("c1", key)
    assert token is not None and "SESSION" not in token
    assert cursor.decode("c1", token) == key
    with pytest.raises(InvalidCursor):
        cursor.decode("c2", token)


@pytest.mark.parametrize("bad", ["x", "a.b.c", "k2.e30.AAAA", "..", "k9.e30.AAAA"])
def test_garbage_cursors_are_invalid(bad: str) -> None:
    with pytest.raises(InvalidCursor):
        cursor.decode("c1", bad)


def test_a_cursor_re_signed_for_another_community_without_the_key_fails() -> None:
    token = cursor.encode("c1", {"pk": "C#c1"})
    assert token is not None
    kid, payload, mac = token.split(".")
    forged_payload = base64.urlsafe_b64encode(json.dumps({"c": "c2", "k": {"pk": "C#c2"}}).encode()).decode()
    with pytest.raises(InvalidCursor):
        cursor.decode("c2", f"{kid}.{forged_payload.rstrip('=')}.{mac}")


def test_no_cursor_means_first_page() -> None:
    assert cursor.encode("c1", None) is None
    assert cursor.decode("c1", None) is None
