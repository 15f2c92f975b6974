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


def test_the_three_failures_answer_the_same_body_reads_and_writes(item_reads: Counter[str]) -> None:
    signup("Oak Park", "ann@example.com", ready=False)
    seen = []
    for case in ("unknown community", "unknown email", "wrong password"):
        item_reads.clear()
        status, body = _login(**CASES[case])
        seen.append((status, body, item_reads["GetItem"], item_reads["UpdateItem"]))
    (first_status, first_body, _, _), *rest = seen
    assert all((status, body) == (first_status, first_body) for status, body, _, _ in rest), seen
    # Reads: the slug pointer, (the community), the email pointer, the user or its phantom: within one.
    # Writes: two rate-limit counters and the failure counter (the user's or the phantom's): equal.
    reads, writes = [r for _, _, r, _ in seen], [w for _, _, _, w in seen]
    assert max(reads) - min(reads) <= 1 and len(set(writes)) == 1, seen


@pytest.mark.parametrize("case", ["unknown community", "unknown email", "wrong password", "unknown platform user"])
def test_five_failures_lock_every_kind_of_account_alike(case: str) -> None:
    """AUTH_LOCKED at the fifth wrong try, then for LOCK_S, whether or not the account exists."""
    from shared.identity import service
    from shared.platform import clock

    signup("Oak Park", "ann@example.com", ready=False)
    statuses = [_login(**CASES[case]) for _ in range(service.LOCK_AFTER_FAILURES + 1)]
    codes = [body["error"]["code"] for _, body in statuses]
    assert codes == ["AUTH_INVALID_CREDENTIALS"] * (service.LOCK_AFTER_FAILURES - 1) + ["AUTH_LOCKED"] * 2, codes
    clock.travel(service.LOCK_S + 1)
    status, body = _login(**CASES[case])
    assert status == 401 and body["error"]["code"] == "AUTH_INVALID_CREDENTIALS", body


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
