"""Issue 12: the public account-mail endpoints make the same AWS calls, in the same order, whether or
not the address exists; the AccountMail worker decides afterwards whether a mail goes out. Counted with
botocore event hooks on every client the handlers can reach."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.identity import service as identity_service
from shared.platform import aws
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.portal import add_resident

pytestmark = pytest.mark.integration

SERVICES = ("dynamodb", "sqs", "secretsmanager", "kms", "ses", "sesv2", "sns", "s3", "scheduler")
Call = tuple[str, str, tuple[str, ...], str]  # service, operation, parameter names, table or queue


@pytest.fixture
def aws_calls() -> Iterator[list[Call]]:
    calls: list[Call] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        target = str(params.get("TableName") or params.get("QueueUrl") or "")
        calls.append((model.service_model.service_name, model.name, tuple(sorted(params)), target))

    clients = [aws.client(service) for service in SERVICES]
    for client in clients:
        client.meta.events.register("provide-client-params", record)
    yield calls
    for client in clients:
        client.meta.events.unregister("provide-client-params", record)


def _calls_of(aws_calls: list[Call], path: str, body: dict[str, Any]) -> list[Call]:
    aws_calls.clear()
    answer = call("POST", path, json_body=body)
    assert answer.status == 202 and answer.body == {"status": "accepted"}, answer.body
    return list(aws_calls)


def test_magic_link_makes_the_same_calls_for_any_address(aws_calls: list[Call]) -> None:
    admin = signup()
    cid, slug = admin["community"]["id"], admin["community"]["slug"]
    add_resident(cid, "tenant", "known@example.com")
    add_resident(cid, "owner", "ann@example.com")  # the admin's address on a resident record
    path = "/v1/auth/magic-link"
    known = _calls_of(aws_calls, path, {"community": slug, "email": "known@example.com"})
    unknown = _calls_of(aws_calls, path, {"community": slug, "email": "unknown@example.com"})
    staff = _calls_of(aws_calls, path, {"community": slug, "email": "ann@example.com"})
    nowhere = _calls_of(aws_calls, path, {"community": "no-such-place", "email": "known@example.com"})
    assert [(service, operation) for service, operation, _, _ in known] == [
        ("dynamodb", "UpdateItem"), ("dynamodb", "UpdateItem"), ("sqs", "SendMessage")]  # two limits, one queue
    assert known == unknown == staff == nowhere


def test_password_forgot_makes_the_same_calls_for_any_address(aws_calls: list[Call]) -> None:
    admin = signup()
    slug = admin["community"]["slug"]
    identity_service.create_super_admin("root@porchlight.dev", "root password 123")
    path = "/v1/auth/password/forgot"
    known = _calls_of(aws_calls, path, {"community": slug, "email": "ann@example.com"})
    unknown = _calls_of(aws_calls, path, {"community": slug, "email": "nobody@example.com"})
    nowhere = _calls_of(aws_calls, path, {"community": "no-such-place", "email": "ann@example.com"})
    platform = _calls_of(aws_calls, path, {"email": "root@porchlight.dev"})
    platform_unknown = _calls_of(aws_calls, path, {"email": "nobody@porchlight.dev"})
    assert [(service, operation) for service, operation, _, _ in known] == [
        ("dynamodb", "UpdateItem"), ("dynamodb", "UpdateItem"), ("sqs", "SendMessage")]
    assert known == unknown == nowhere == platform == platform_unknown
