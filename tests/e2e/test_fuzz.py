"""The fuzzing tier (issue 17, part 8): schemathesis against the local runtime, bounded.

Every operation of the OpenAPI document is called with generated requests (valid and invalid) twice:
without a token and with one that may call it (a community admin; the super admin for /v1/admin/).
Each response must not be a 5xx and must conform to the document: a documented status, a documented
media type, a body matching its schema. A second run sends hostile content types and bodies to the
public routes. A few examples per operation keep the tier within minutes on two cores; the figures
(operations, requests, 5xx) are printed at the end and written to `fuzz-figures.json` in the
session's temporary folder.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from shared.platform.openapi import document
from shared.spec.routes import ROUTES
from tests.e2e.conftest import Api, LocalRuntime, fresh_totp, signup_ready

pytestmark = pytest.mark.e2e

# Deeper by hand: FUZZ_EXAMPLES=50 FUZZ_COVERAGE=1 make test-fuzz (the coverage phase adds schemathesis's
# boundary cases: ~7,800 requests, 2.5 to 4.5 minutes here).
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "4"))
HOSTILE_EXAMPLES = 2 * EXAMPLES_PER_OPERATION
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Bounded: the fuzzing phase only (valid and invalid data), a few examples each, no shrinking; the
# coverage phase (dozens of boundary cases per operation) would take the tier past its minutes.
CONFIG = schemathesis.Config.from_dict({
    "phases": {"coverage": {"enabled": os.environ.get("FUZZ_COVERAGE") == "1"}, "stateful": {"enabled": False}},
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "no-shrink": True, "deterministic": True,
                   "database": "none"},
})
SCHEMA = schemathesis.openapi.from_dict(document("fuzz"), config=CONFIG)


class Figures:
    """What the tier did: requests per operation, statuses, seconds."""

    def __init__(self) -> None:
        self.operations: set[str] = set()
        self.hostile_routes: set[str] = set()
        self.statuses: Counter[int] = Counter()
        self.hostile = 0
        self.started = time.monotonic()

    def record(self, operation: str, status: int, *, hostile: bool = False) -> None:
        (self.hostile_routes if hostile else self.operations).add(operation)
        self.hostile += hostile
        self.statuses[status] += 1

    def summary(self) -> dict[str, Any]:
        return {"operations": len(self.operations), "hostile_routes": len(self.hostile_routes),
                "requests": sum(self.statuses.values()), "hostile_requests": self.hostile,
                "5xx": sum(n for s, n in self.statuses.items() if s >= 500),
                "statuses": dict(sorted(self.statuses.items())), "seconds": round(time.monotonic() - self.started, 1)}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Figures]:
    counted = Figures()
    yield counted
    summary = counted.summary()
    (tmp_path_factory.getbasetemp() / "fuzz-figures.json").write_text(json.dumps(summary, indent=2))
    print(f"\nfuzzing tier: {json.dumps(summary)}")


def _sign_in(api: Api, email: str, password: str, secret: str, community: str | None = None) -> str:
    """Both login steps; a TOTP code is accepted once, so a code another test just used waits a step."""
    for _ in range(3):
        body: dict[str, Any] = {"email": email, "password": password}
        if community:
            body["community"] = community
        first = api.post("/v1/auth/login", json=body)
        assert first.status_code == 200, first.text
        second = api.post("/v1/auth/mfa/verify", json={"mfa_token": first.json()["mfa_token"],
                                                       "code": fresh_totp(secret)})
        if second.status_code == 200:
            return str(second.json()["access_token"])
        time.sleep(30 - time.time() % 30 + 0.5)
    raise AssertionError("could not sign in")


@pytest.fixture(scope="module")
def tokens(local_runtime: LocalRuntime) -> dict[str, str]:
    """A community of the tier's own (its admin may change anything in it) and the super admin."""
    api = Api(local_runtime.api_url)
    admin = signup_ready(api, f"Fuzz {uuid.uuid4().hex[:6]}")
    root = local_runtime.super_admin
    return {"admin": str(admin["access_token"]),
            "super": _sign_in(api, root["email"], root["password"], root["totp_secret"])}


def _token_for(case: Any, tokens: dict[str, str], local_runtime: LocalRuntime) -> str:
    path, method = case.operation.path, case.operation.method.upper()
    if path.startswith("/v1/admin/"):
        return tokens["super"]
    if (method, path) == ("POST", "/v1/auth/logout"):  # ends the session it uses: a throwaway one
        answer = requests.post(local_runtime.api_url + "/v1/auth/signup", timeout=30, json={
            "community_name": f"Fuzz logout {uuid.uuid4().hex[:6]}", "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery", "full_name": "Fuzz"})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["access_token"])
    return tokens["admin"]


@pytest.mark.parametrize("with_token", [False, True], ids=["anonymous", "token"])
@SCHEMA.parametrize()
def test_every_operation_answers_below_500_and_as_documented(
    case: Any, with_token: bool, local_runtime: LocalRuntime, tokens: dict[str, str], figures: Figures
) -> None:
    headers = {"Authorization": f"Bearer {_token_for(case, tokens, local_runtime)}"} if with_token else {}
    response = case.call(base_url=local_runtime.api_url, headers=headers, timeout=30)
    figures.record(f"{case.operation.method.upper()} {case.operation.path}", response.status_code)
    case.validate_response(response, checks=CHECKS, headers=headers)


PUBLIC = [r for r in ROUTES if r.public]
HOSTILE_TYPES = ["text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=zz",
                 "application/x-www-form-urlencoded", "application/json; charset=latin-1", "application/octet-stream",
                 "", "*/*", "application/json"]
_nested = st.integers(1, 5000).map(lambda n: "[" * n + "]" * n)
_big_number = st.integers(300, 6000).map(lambda n: '{"email": ' + "9" * n + "}")
_json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
).map(json.dumps)
HOSTILE_BODIES = st.one_of(
    st.binary(max_size=300), _nested, _big_number, _json_text,
    st.sampled_from(['{"balance": "1E+999999999"}', '{"email": 1e999}', '{"email": NaN}', "<?xml version='1.0'?><a/>",
                     "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--zz--\r\n", "\x00" * 50]),
)


@pytest.mark.parametrize("route", PUBLIC, ids=lambda r: r.route_key)
@settings(max_examples=HOSTILE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(content_type=st.sampled_from(HOSTILE_TYPES), body=HOSTILE_BODIES)
def test_public_routes_shrug_off_hostile_content(
    route: Any, content_type: str, body: bytes | str, local_runtime: LocalRuntime, figures: Figures
) -> None:
    path = route.path.replace("{token}", "x" * 20)
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.request(route.method, local_runtime.api_url + path, data=body, headers=headers, timeout=30)
    figures.record(route.route_key, response.status_code, hostile=True)
    assert response.status_code < 500, (route.route_key, content_type, repr(body)[:200], response.text[:300])
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        assert set(response.json()) == {"error"}, response.text


def test_every_operation_of_the_document_was_fuzzed() -> None:
    operations = {(method.upper(), path) for path, ops in SCHEMA.raw_schema["paths"].items() for method in ops}
    assert operations == {(r.method, r.path) for r in ROUTES}


def test_the_fuzzed_document_is_the_one_the_runtime_serves(local_runtime: LocalRuntime) -> None:
    served = requests.get(local_runtime.api_url + "/v1/openapi.json", timeout=30).json()
    mine = document("fuzz")
    assert served["paths"] == mine["paths"] and served["components"] == mine["components"]
