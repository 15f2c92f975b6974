"""No account oracle (issue 17, part 5): every failed login costs one argon2 verify, whatever failed.

Deterministic, not a timing test: argon2's own `verify` and `hash` are counted. A login to an
unknown community, an unknown email or with a wrong password each run exactly one verify and no
hash, read the same items, and answer the same 401 body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher

from tests.integration.conftest import signup
from tests.support.api import call

pytestmark = pytest.mark.integration


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    calls: Counter[str] = Counter()
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash

    def verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        calls["verify"] += 1
        return real_verify(self, hash, password)

    def hash_(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        calls["hash"] += 1
        return real_hash(self, password, salt=salt)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    monkeypatch.setattr(PasswordHasher, "hash", hash_)
    yield calls


@pytest.fixture
def item_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """DynamoDB GetItem calls by table-agnostic count (PynamoDB and boto3 both go through botocore)."""
    import botocore.client

    reads: Counter[str] = Counter()
    real = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        reads[operation] += 1
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    yield reads


def _login(**body: str) -> tuple[int, Any]:
    answer = call("POST", "/v1/auth/login", json_body=body)
    return answer.status, answer.body


CASES = {
    "unknown community": {"community": "no-such-place", "email": "ann@example.com",
                          "password": "correct horse battery"},
    "unknown email": {"community": "oak-park", "email": "nobody@example.com", "password": "correct horse battery"},
    "wrong password": {"community": "oak-park", "email": "ann@example.com", "password": "wrong horse battery"},
    "unknown platform user": {"email": "nobody@example.com", "password": "correct horse battery"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_failed_login_runs_exactly_one_argon2_verify(
    case: str, argon2_calls: Counter[str], item_reads: Counter[str]
) -> None:
    signup("Oak Park", "ann@example.com", ready=False)
    argon2_calls.clear()
    item_reads.clear()
    status, body = _login(**CASES[case])
    assert status == 401 and body["error"]["code"] == "AUTH_INVALID_CREDENTIALS", body
    assert argon2_calls == Counter(verify=1), argon2_calls
    assert item_reads["GetItem"] >= 1, item_reads  # the user is looked up on every path


def test_the_three_failures_answer_the_same_body_and_reads(item_reads: Counter[str]) -> None:
    signup("Oak Park", "ann@example.com", ready=False)
    seen = []
    for case in ("unknown community", "unknown email", "wrong password"):
        item_reads.clear()
        status, body = _login(**CASES[case])
        seen.append((status, body, item_reads["GetItem"]))
    (first_status, first_body, _), *rest = seen
    assert all((status, body) == (first_status, first_body) for status, body, _ in rest), seen
    # Unknown community: slug + email pointer; unknown email: slug + community + email pointer;
    # wrong password: the same plus the user item: within one read of each other.
    reads = [r for _, _, r in seen]
    assert max(reads) - min(reads) <= 2, reads


def test_a_good_login_runs_one_verify_too(argon2_calls: Counter[str]) -> None:
    signup("Oak Park", "ann@example.com", ready=False)
    argon2_calls.clear()
    status, body = _login(community="oak-park", email="ann@example.com", password="correct horse battery")
    assert status == 200, body
    assert argon2_calls["verify"] == 1


def test_signup_hashes_once_whether_or_not_the_address_exists(argon2_calls: Counter[str]) -> None:
    """Signup is the other public endpoint that takes an address: it makes a new community, so an
    address used elsewhere changes nothing: the same one hash and the same 201."""
    signup("Oak Park", "ann@example.com", ready=False)
    for name in ("Elm Row", "Birch Lane"):  # the address exists (in Oak Park), then exists twice
        argon2_calls.clear()
        answer = call("POST", "/v1/auth/signup", json_body={"community_name": name, "email": "ann@example.com",
                                                            "password": "correct horse battery", "full_name": "A"})
        assert answer.status == 201, answer.body
        assert argon2_calls == Counter(hash=1), argon2_calls
    argon2_calls.clear()
    answer = call("POST", "/v1/auth/signup", json_body={"community_name": "Fir Court", "email": "new@example.com",
                                                        "password": "correct horse battery", "full_name": "N"})
    assert answer.status == 201 and argon2_calls == Counter(hash=1), argon2_calls
