"""Every route × every role → allowed or 403, checked against the contract's role table.

The expectations below are transcribed from the contract ("Roles and permissions" in
shared/api-v1.md) by path and method, independently of `shared.spec.permissions`: the test fails
for a route nobody classified, so no route can be added without deciding who may call it.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.identity import passwords, repository, tokens
from shared.identity.models import RefreshRecord, Session, User
from shared.platform import clock, ids, keys
from shared.platform.context import SCOPE_FULL, Caller
from shared.spec.permissions import Role
from shared.spec.routes import ROUTES, Route
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.portal import add_resident_user

pytestmark = pytest.mark.integration

ADMIN, MANAGER, BOARD, OWNER, TENANT, SUPER = (
    Role.ADMIN, Role.MANAGER, Role.BOARD, Role.OWNER, Role.TENANT, Role.SUPER_ADMIN)
PROPERTY_OWNER = Role.PROPERTY_OWNER
RESIDENTS_AND_STAFF = {ADMIN, MANAGER, BOARD, OWNER, TENANT}
COMMUNITY = RESIDENTS_AND_STAFF | {PROPERTY_OWNER}
STAFF_WRITE = {ADMIN, MANAGER}
STAFF_READ = {ADMIN, MANAGER, BOARD}

PUBLIC = {
    "GET /v1/health", "GET /v1/openapi.json", "POST /v1/auth/signup", "POST /v1/auth/login",
    "POST /v1/auth/mfa/verify", "POST /v1/auth/refresh", "POST /v1/auth/verify-email",
    "POST /v1/auth/invitations/accept", "GET /v1/t/open/{token}", "GET /v1/t/click/{token}",
    "GET /v1/unsubscribe/{token}", "POST /v1/unsubscribe/{token}",
    # Issue 12: residents' passwordless sign-in and everyone's password reset.
    "POST /v1/auth/magic-link", "POST /v1/auth/magic-link/verify", "POST /v1/auth/password/forgot",
    "POST /v1/auth/password/reset",
    "GET /v1/public/{slug}/intake-form", "POST /v1/public/{slug}/applications",  # issue 15: applicants
}


def _reporting(path: str) -> bool:
    return path.endswith(("/report", "/recipients", "/recipients.csv"))


# (applies to (path, read?), who may call it): the first rule that applies decides. Transcribed from the
# contract's role table, row by row; a route no rule covers fails the test until someone classifies it.
Rule = tuple[Any, set[Role]]
RULES: tuple[Rule, ...] = (
    (lambda p, r: p.startswith("/v1/admin/"), {SUPER}),
    # every signed-in caller: their own account
    (lambda p, r: p == "/v1/me" or p.startswith("/v1/auth/") or (p == "/v1/community" and r), COMMUNITY | {SUPER}),
    # community settings, users, MFA policy (and the audit trail of them); the residents' bulk PII export (issue 6)
    (lambda p, r: p == "/v1/community" or p.startswith(("/v1/users", "/v1/audit")) or p == "/v1/residents.csv",
     {ADMIN}),
    (lambda p, r: p.startswith(("/v1/residents", "/v1/segments", "/v1/custom-fields")) and r, STAFF_READ),
    (lambda p, r: p.startswith(("/v1/residents", "/v1/segments", "/v1/custom-fields")), STAFF_WRITE),
    (lambda p, r: p.startswith(("/v1/templates", "/v1/suppressions")), STAFF_WRITE),
    (lambda p, r: p.startswith("/v1/campaigns") and r and _reporting(p), STAFF_READ),
    (lambda p, r: p.startswith("/v1/campaigns"), STAFF_WRITE),
    (lambda p, r: p.startswith("/v1/messages") and r, RESIDENTS_AND_STAFF),  # owners/tenants read their own only
    (lambda p, r: p.startswith("/v1/messages"), STAFF_WRITE),
    (lambda p, r: p.startswith("/v1/reports"), STAFF_READ),
    (lambda p, r: p.startswith("/v1/assets") and r, RESIDENTS_AND_STAFF),  # reads filtered by role visibility
    (lambda p, r: p.startswith("/v1/assets"), STAFF_WRITE),
    # "properties, units, tenancies, ledgers read / write" (issue 11): owners and tenants read their own
    # tenancies (and ledgers) only; property owners read their assigned properties. Scope: test_property_scope.
    (lambda p, r: p.startswith(("/v1/properties", "/v1/units")) and r, STAFF_READ | {PROPERTY_OWNER}),
    (lambda p, r: p.startswith(("/v1/properties", "/v1/units")), STAFF_WRITE),
    # "notices read / write" (issue 14): owners and tenants read served notices on their own tenancies
    # (the query's); the reminder centre is the staff's. Scope and drafts: test_notices_api.
    (lambda p, r: p in ("/v1/reminders", "/v1/tenancies/rent-increase-plan"), STAFF_READ),
    (lambda p, r: p.startswith("/v1/notices") and r, RESIDENTS_AND_STAFF),
    (lambda p, r: p.startswith("/v1/notices"), STAFF_WRITE),
    (lambda p, r: p.startswith("/v1/tenancies") and r, COMMUNITY),
    (lambda p, r: p.startswith("/v1/tenancies"), STAFF_WRITE),
    # "work orders": admin and manager write, board reads only, owner/tenant create on their own units.
    (lambda p, r: p == "/v1/work-orders/triage", {ADMIN, MANAGER, OWNER, TENANT}),
    # work orders read: every community role (owners/tenants their own units', property owners their
    # assigned properties'; scope: test_work_orders_api); residents create, cancel/reopen and comment.
    (lambda p, r: p.startswith("/v1/work-orders") and r, COMMUNITY),
    # Issue 13: a tenant attaches photos to their own order (POST .../attachments), as they comment.
    (lambda p, r: p == "/v1/work-orders" or p.endswith(("/transition", "/comments", "/entry/approve", "/attachments")),
     {ADMIN, MANAGER, OWNER, TENANT}),
    (lambda p, r: p.startswith("/v1/work-orders"), STAFF_WRITE),
    # "intake form, applications": admin and manager (a conversion's unit is then shared.properties.scope's)
    (lambda p, r: p.startswith(("/v1/intake-form", "/v1/applications")), STAFF_WRITE),
    # setting the community up: community settings are the admin's
    (lambda p, r: p.startswith("/v1/onboarding"), {ADMIN}),
)


def expected(route: Route) -> set[Role]:
    """Who may call `route`, by the contract's table."""
    path, read = route.path, route.method == "GET"
    for applies, roles in RULES:
        if applies(path, read):
            return roles
    raise AssertionError(f"{route.route_key} is not in the contract's role table: classify it here")


def _user(community_id: str, role: Role) -> User:
    if role in (OWNER, TENANT):  # resident users: a portal user linked to a resident record (issue 12)
        return add_resident_user(community_id, role)
    now = clock.iso()
    user = User(id=ids.new_id(), community_id=community_id, email=f"{ids.new_id().lower()}@example.com",
                full_name=str(role), role=role, status="active", password_hash=passwords.hash_password("x" * 12),
                email_verified=True, mfa_enabled=False, created_at=now, updated_at=now)
    repository.create_user(user)
    return user


def _token(user: User) -> str:
    """A full-scope token on a session of its own (a route such as logout ends the session it uses)."""
    community_id, role, now = user.community_id, user.role, clock.iso()
    session = Session(id=ids.new_id(), user_id=user.id, community_id=community_id, status="active", device="",
                      ip="", created_at=now, last_used_at=now, expires_at=clock.epoch() + 3600)
    repository.create_session(session, RefreshRecord(
        community_id=community_id, token_hash=ids.new_id(), session_id=session.id, user_id=user.id, used=False,
        expires_at=session.expires_at))
    return tokens.issue_access(Caller(user_id=user.id, community_id=community_id, role=role, session_id=session.id,
                                      scope=SCOPE_FULL))


def _path(route: Route) -> str:
    return "/".join("01J0000000000000000000NONE" if part.startswith("{") else part
                    for part in route.path.split("/"))


def test_public_routes_are_exactly_the_contracts() -> None:
    assert {r.route_key for r in ROUTES if r.public} == PUBLIC


def test_every_route_is_classified() -> None:
    for route in ROUTES:
        if not route.public:
            assert expected(route) <= COMMUNITY | {SUPER}


def test_every_route_for_every_role() -> None:
    community_id = signup(ready=False)["community"]["id"]
    outcomes: dict[str, dict[str, int]] = {}
    wrong: list[str] = []
    users = {role: _user(keys.PLATFORM if role == SUPER else community_id, role) for role in (*COMMUNITY, SUPER)}
    for route in ROUTES:
        if route.public:
            continue
        allowed = expected(route)
        for role, user in users.items():
            token = _token(user)
            body: Any = {} if route.method in ("POST", "PATCH", "PUT") else None
            answer = call(route.method, _path(route), token=token, json_body=body)
            forbidden = answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN"
            outcomes.setdefault(route.route_key, {})[str(role)] = answer.status
            if forbidden == (role in allowed):
                wrong.append(f"{route.route_key} as {role}: {answer.status} {answer.body}")
            assert answer.status < 500, f"{route.route_key} as {role}: {answer.status} {answer.body}"
    assert not wrong, "\n".join(wrong)
    assert len(outcomes) == len([r for r in ROUTES if not r.public])


# "templates, campaigns, send, retry: manager (unscoped only)": these are refused to a manager with
# property assignments, whatever else a manager may do (issue 11).
UNSCOPED_ONLY_PREFIXES = ("/v1/templates", "/v1/suppressions")


def unscoped_only(route: Route) -> bool:
    path, read = route.path, route.method == "GET"
    if path.startswith(UNSCOPED_ONLY_PREFIXES):
        return True
    if path.startswith("/v1/campaigns"):
        return not (read and path.endswith(("/report", "/recipients", "/recipients.csv")))
    return path.startswith("/v1/messages") and not read


def test_a_scoped_manager_is_a_manager_without_campaigns() -> None:
    from shared.properties import repository as properties

    community_id = signup(ready=False)["community"]["id"]
    manager = _user(community_id, MANAGER)
    properties.put_assignments(community_id, manager.id, ["01J0000000000000000000PROP"], clock.iso())
    wrong: list[str] = []
    for route in ROUTES:
        if route.public or MANAGER not in expected(route):
            continue
        body: Any = {} if route.method in ("POST", "PATCH", "PUT") else None
        answer = call(route.method, _path(route), token=_token(manager), json_body=body)
        forbidden = answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN"
        if forbidden != unscoped_only(route):
            wrong.append(f"{route.route_key} as a scoped manager: {answer.status} {answer.body}")
        assert answer.status < 500, f"{route.route_key}: {answer.status} {answer.body}"
    assert not wrong, "\n".join(wrong)
