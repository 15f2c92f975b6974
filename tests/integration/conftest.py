from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.identity import repository
from shared.platform import aws, clock, db
from tests.support.api import call
from tests.support.identity import make_ready


@pytest.fixture(autouse=True)
def _aws(aws_env: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield aws_env
    clock.travel(0)


def send(method: str, path: str, token: str | None, body: Any) -> tuple[int, Any]:
    answer = call(method, path, token=token, json_body=body)
    return answer.status, answer.body


def _verify_directly(body: dict[str, Any]) -> None:
    user = repository.get_user(body["community"]["id"], body["user"]["id"])
    assert user is not None
    repository.mark_email_verified(user)


def signup(name: str = "Oak Park", email: str = "ann@example.com", password: str = "correct horse battery",
           *, ready: bool = True, **headers: str) -> dict[str, Any]:
    """Sign up a community; `ready` (the default) also enrolls MFA and verifies the email, so the
    returned `access_token` is a full one. `ready=False` gives the raw signup answer."""
    answer = call("POST", "/v1/auth/signup", headers=headers,
                  json_body={"community_name": name, "email": email, "password": password, "full_name": "Ann Admin"})
    assert answer.status == 201, answer.body
    if not ready:
        return answer.body
    return make_ready(send, answer.body, _verify_directly)


@pytest.fixture
def dynamodb_calls() -> Iterator[list[str]]:
    """Every DynamoDB operation made while the test runs: through the shared client and through the
    transactions' connection (the same client unless an earlier test in this process reset one of them)."""
    calls: list[str] = []
    clients = {id(c): c for c in (aws.client("dynamodb"), db.connection().client)}.values()

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    for client in clients:
        client.meta.events.register("before-call.dynamodb.*", count)
    yield calls
    for client in clients:
        client.meta.events.unregister("before-call.dynamodb.*", count)
