"""Issue 12: an admin whose email is unverified may not invite users, change the MFA policy, export
residents, invite residents to the portal or send; everything else works. The rule is the permission
layer's (`VERIFIED_EMAIL_REQUIRED`), so these answers come from the route's permission, not the service."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.identity import enroll, mailed_token
from tests.support.portal import add_resident

pytestmark = pytest.mark.integration


def _send(method: str, path: str, token: str | None, body: Any) -> tuple[int, Any]:
    answer = call(method, path, token=token, json_body=body)
    return answer.status, answer.body


def test_privileged_actions_wait_for_a_verified_email() -> None:
    body = signup(ready=False)
    enroll(_send, body["access_token"])
    token = call("POST", "/v1/auth/refresh", json_body={"refresh_token": body["refresh_token"]}).body["access_token"]
    tenant = add_resident(body["community"]["id"], "tenant", "ten@example.com")
    privileged = [
        ("POST", "/v1/users/invitations", {"email": "bob@example.com", "role": "manager"}),
        ("PATCH", "/v1/community", {"mfa_required_roles": ["admin"]}),
        ("GET", "/v1/residents.csv", None),
        ("POST", f"/v1/residents/{tenant.id}/portal-invite", None),
        ("PUT", "/v1/users/01J0000000000000000000NONE/properties", {"property_ids": []}),
    ]
    for method, path, json_body in privileged:
        refused = call(method, path, token=token, json_body=json_body)
        assert refused.status == 403 and refused.body["error"]["code"] == "EMAIL_UNVERIFIED", (path, refused.body)
    renamed = call("PATCH", "/v1/community", token=token, json_body={"name": "Oak Park Commons"})
    assert renamed.status == 200, renamed.body  # the rest of the settings are not privileged

    link = mailed_token(body["community"]["id"], "ann@example.com", "/verify-email")
    assert call("POST", "/v1/auth/verify-email", json_body={"token": link}).status == 200
    expected = [201, 200, 200, 202, 404]  # (no such user: past the permission layer)
    for (method, path, json_body), status in zip(privileged, expected, strict=True):
        answer = call(method, path, token=token, json_body=json_body)
        assert answer.status == status, (path, answer.body)
