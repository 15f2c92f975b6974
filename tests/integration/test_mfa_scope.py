"""Tokens restricted to MFA enrollment reach only the routes marked for it (the contract's rule)."""

from __future__ import annotations

import pytest

from shared.identity import repository, tokens
from shared.platform.context import SCOPE_MFA_ENROLLMENT, Caller
from shared.spec.routes import ROUTES
from tests.integration.conftest import signup
from tests.support.api import call

pytestmark = pytest.mark.integration


def test_enrollment_tokens_reach_me_only() -> None:
    body = signup()
    user = body["user"]
    session = repository.list_sessions(body["community"]["id"], user["id"], limit=5, after=None)[0][0]
    restricted = tokens.issue_access(Caller(user_id=user["id"], community_id=body["community"]["id"],
                                            role=user["role"], session_id=session.id, scope=SCOPE_MFA_ENROLLMENT))
    assert call("GET", "/v1/me", token=restricted).status == 200
    answer = call("GET", "/v1/community", token=restricted)
    assert answer.status == 403 and answer.body["error"]["code"] == "MFA_ENROLLMENT_REQUIRED"
    allowed = {r.route_key for r in ROUTES if r.allow_pending_mfa}
    assert allowed == {
        "GET /v1/me", "POST /v1/auth/logout", "POST /v1/auth/mfa/totp/setup", "POST /v1/auth/mfa/totp/confirm",
        "POST /v1/auth/mfa/backup-codes", "POST /v1/auth/mfa/totp/disable", "POST /v1/auth/verify-email/resend",
    }
