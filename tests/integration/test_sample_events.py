"""The sample events in events/ are real: each one drives its handler to the documented outcome."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pyotp
import pytest

from functions.api.auth import signup
from functions.jobs import rotate_signing_key
from functions.workers import audit
from shared.platform import clock
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).parents[2] / "events"


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())  # type: ignore[no-any-return]


def test_every_sample_event_is_driven_through_its_handler_by_some_test() -> None:
    tests = Path(__file__).parents[1]
    sources = "\n".join(p.read_text() for p in tests.rglob("test_*.py"))
    unused = [p.name for p in EVENTS.glob("*.json") if p.name not in sources and p.stem not in sources]
    assert unused == [], f"sample events no test loads: {unused}"


def test_api_signup_event() -> None:
    answer = signup.handler(load("api-signup.json"), FakeContext())
    assert answer["statusCode"] == 201, answer


def test_authorizer_and_me_events_with_a_real_token() -> None:
    from functions import authorizer
    from functions.api import me

    body = json.loads(signup.handler(load("api-signup.json"), FakeContext())["body"])
    request = load("authorizer-request.json")
    request["headers"]["authorization"] = f"Bearer {body['access_token']}"
    decision = authorizer.handler(request, FakeContext())
    assert decision["isAuthorized"] and decision["context"]["community_id"] == body["community"]["id"]
    event = load("api-me.json")
    event["requestContext"]["authorizer"]["lambda"] = decision["context"]
    answer = me.handler(event, FakeContext())
    assert answer["statusCode"] == 200 and json.loads(answer["body"])["user"]["id"] == body["user"]["id"]
    # The sample's placeholder identity names nobody: the function answers 401, not 500.
    stale = me.handler(load("api-me.json"), FakeContext())
    assert stale["statusCode"] == 401


def test_sqs_audit_event(aws_env: dict[str, Any]) -> None:
    assert audit.handler(load("sqs-audit.json"), FakeContext()) == {"batchItemFailures": []}
    items = boto3.client("dynamodb").scan(TableName=aws_env["table"])["Items"]
    assert sorted(i["action"]["S"] for i in items if i["pk"]["S"].endswith("#AUDIT")) == [
        "auth.login.failed", "auth.login.succeeded"]


def test_scheduled_event() -> None:
    assert rotate_signing_key.handler(load("scheduled-rotate-signing-key.json"), FakeContext())["previous"]
    assert call("GET", "/v1/health").status == 200


def _body_of(answer: dict[str, Any]) -> Any:
    return json.loads(answer["body"])


def test_identity_events_mfa_verify_invitation_accept_and_community_patch() -> None:
    from functions import authorizer
    from functions.api.auth import invitation_accept, mfa_verify
    from functions.api.community import update
    from tests.integration.conftest import signup as signed_up
    from tests.support.identity import mailed_token

    admin = signed_up()
    login = call("POST", "/v1/auth/login", json_body={"community": admin["community"]["slug"],
                                                      "email": "ann@example.com", "password": "correct horse battery"})
    event = load("api-mfa-verify.json")
    code = pyotp.TOTP(admin["totp_secret"]).at(clock.epoch() + 30)  # the step after enrollment's
    event["body"] = json.dumps({"mfa_token": login.body["mfa_token"], "code": code})
    verified = mfa_verify.handler(event, FakeContext())
    assert verified["statusCode"] == 200, verified
    # The sample's placeholder token is not a token: 401, never 500.
    assert mfa_verify.handler(load("api-mfa-verify.json"), FakeContext())["statusCode"] == 401

    token = _body_of(verified)["access_token"]
    decision = authorizer.handler({"type": "REQUEST", "headers": {"authorization": f"Bearer {token}"}}, FakeContext())
    patch = load("api-community-patch.json")
    patch["requestContext"]["authorizer"]["lambda"] = decision["context"]
    patched = update.handler(patch, FakeContext())
    assert patched["statusCode"] == 200 and _body_of(patched)["timezone"] == "America/Toronto"

    call("POST", "/v1/users/invitations", token=token, json_body={"email": "owen@example.com", "role": "owner"})
    accept = load("api-invitation-accept.json")
    body = json.loads(accept["body"]) | {"token": mailed_token(admin["community"]["id"], "owen@example.com",
                                                               "/accept-invitation")}
    accept["body"] = json.dumps(body)
    accepted = invitation_accept.handler(accept, FakeContext())
    assert accepted["statusCode"] == 200 and _body_of(accepted)["user"]["role"] == "owner"
