from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.platform import clock
from tests.support.api import call


@pytest.fixture(autouse=True)
def _aws(aws_env: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield aws_env
    clock.travel(0)


def signup(name: str = "Oak Park", email: str = "ann@example.com", password: str = "correct horse battery",
           **headers: str) -> dict[str, Any]:
    answer = call("POST", "/v1/auth/signup", headers=headers,
                  json_body={"community_name": name, "email": email, "password": password, "full_name": "Ann Admin"})
    assert answer.status == 201, answer.body
    return answer.body  # type: ignore[no-any-return]
