"""Property-scoped access: a property manager and a property owner reach only their assigned
properties (another property's property, unit, tenancy and ledger are 404, lists hold only theirs),
a property manager sees only the residents of their tenancies and cannot run campaigns."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.identity import repository as identity_repository
from shared.identity import service as identity_service
from shared.identity.models import User
from shared.platform import clock, ids
from shared.platform.context import RequestMeta
from shared.properties import days
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit, ok

pytestmark = pytest.mark.integration


def member(community_id: str, role: Role) -> tuple[str, str]:
    """(user id, access token) of a new member with `role`."""
    now = clock.iso()
    user = User(id=ids.new_id(), community_id=community_id, email=f"{ids.new_id().lower()}@example.com",
                full_name=str(role), role=role, status="active", password_hash="x", email_verified=True,
                mfa_enabled=False, created_at=now, updated_at=now)
    identity_repository.create_user(user)
    return user.id, identity_service.start_session(user, None, RequestMeta()).access_token


@pytest.fixture
def rentals() -> dict[str, Any]:
    """Two properties, each with a unit, a tenant and a tenancy with one charge."""
    admin = signup()
    token = admin["access_token"]
    start = (days.today_in("UTC") - timedelta(days=10)).isoformat()
    world: dict[str, Any] = {"admin": admin, "token": token, "community_id": admin["community"]["id"]}
    for key in ("a", "b"):
        prop = new_property(token, f"Property {key}")
        unit = new_unit(token, prop["id"], "1")
        resident = new_resident(token, f"Res{key}")
        tenancy = new_tenancy(token, unit["id"], [resident["id"]], start)
        entry = ok(call("POST", f"/v1/tenancies/{tenancy['id']}/charges", token=token, json_body={
            "amount": "10", "on": start, "category": "fee", "description": "key"}), 201)
        world[key] = {"property": prop, "unit": unit, "resident": resident, "tenancy": tenancy, "entry": entry}
    return world


def assign(world: dict[str, Any], user_id: str, property_ids: list[str]) -> Any:
    return call("PUT", f"/v1/users/{user_id}/properties", token=world["token"],
                json_body={"property_ids": property_ids})


def reads(token: str, side: dict[str, Any]) -> list[int]:
    """Status of every read of one side's property, unit, tenancy and ledger."""
    paths = [f"/v1/properties/{side['property']['id']}", f"/v1/properties/{side['property']['id']}/units",
             f"/v1/units/{side['unit']['id']}", f"/v1/tenancies/{side['tenancy']['id']}",
             f"/v1/tenancies/{side['tenancy']['id']}/ledger"]
    return [call("GET", path, token=token).status for path in paths]


def listed(token: str, path: str, **query: str) -> set[str]:
    return {item["id"] for item in ok(call("GET", path, token=token, query=query or None))["items"]}


def test_assignments_are_admin_business_and_shown_on_the_user(rentals: dict[str, Any]) -> None:
    world = rentals
    manager_id, manager = member(world["community_id"], Role.MANAGER)
    board_id, _ = member(world["community_id"], Role.BOARD)
    a = world["a"]["property"]["id"]
    assert ok(assign(world, manager_id, [a, a]))["property_ids"] == [a]
    shown = ok(call("GET", f"/v1/users/{manager_id}", token=world["token"]))
    assert shown["property_ids"] == [a] and shown["role"] == "manager"
    assert ok(assign(world, board_id, [a]), 422)["error"]["details"][0]["field"] == "property_ids"
    assert ok(assign(world, manager_id, ["01NOSUCHPROPERTY"]), 422)["error"]["code"] == "VALIDATION_FAILED"
    ok(assign(world, "01NOSUCHUSER", [a]), 404)
    assert call("PUT", f"/v1/users/{manager_id}/properties", token=manager, json_body={"property_ids": []}).status \
        == 403


def test_a_property_manager_reaches_only_their_properties(rentals: dict[str, Any]) -> None:
    world = rentals
    a, b = world["a"], world["b"]
    manager_id, manager = member(world["community_id"], Role.MANAGER)
    # Unassigned: the whole community.
    assert listed(manager, "/v1/properties") == {a["property"]["id"], b["property"]["id"]}
    ok(assign(world, manager_id, [a["property"]["id"]]))
    assert reads(manager, a) == [200] * 5
    assert reads(manager, b) == [404] * 5
    assert listed(manager, "/v1/properties") == {a["property"]["id"]}
    assert listed(manager, "/v1/tenancies") == {a["tenancy"]["id"]}
    assert listed(manager, "/v1/tenancies", status="active") == {a["tenancy"]["id"]}
    assert listed(manager, "/v1/tenancies", property_id=b["property"]["id"]) == set()
    assert listed(manager, "/v1/tenancies", unit_id=b["unit"]["id"]) == set()
    # Writes on the other property are 404 too; on their own they work.
    charge = {"amount": "5", "on": "2026-11-01", "category": "fee", "description": "x"}
    assert call("POST", f"/v1/tenancies/{b['tenancy']['id']}/charges", token=manager, json_body=charge).status == 404
    assert call("POST", f"/v1/tenancies/{b['tenancy']['id']}/ledger/{b['entry']['id']}/reverse", token=manager,
                json_body={"reason": "x"}).status == 404
    assert call("PATCH", f"/v1/units/{b['unit']['id']}", token=manager, json_body={"label": "x"}).status == 404
    assert call("POST", f"/v1/properties/{b['property']['id']}/units", token=manager,
                json_body={"label": "2"}).status == 404
    assert call("POST", "/v1/tenancies", token=manager, json_body={
        "unit_id": b["unit"]["id"], "start_on": "2030-01-01", "rent": "1", "rent_period": "daily",
        "parties": [{"resident_id": b["resident"]["id"], "lead": True}]}).status == 422
    assert call("POST", f"/v1/tenancies/{a['tenancy']['id']}/charges", token=manager, json_body=charge).status == 201
    # Residents: only the parties to their tenancies.
    assert listed(manager, "/v1/residents") == {a["resident"]["id"]}
    assert call("GET", f"/v1/residents/{b['resident']['id']}", token=manager).status == 404
    assert call("GET", f"/v1/residents/{a['resident']['id']}", token=manager).status == 200
    # No campaigns, no new properties.
    denied = call("POST", "/v1/campaigns", token=manager, json_body={
        "name": "x", "channel": "email", "template_id": "01X", "audience": {"resident_ids": ["01X"]}})
    assert (denied.status, denied.body["error"]["code"]) == (403, "FORBIDDEN")
    assert call("POST", "/v1/properties", token=manager, json_body={
        "name": "Mine", "kind": "rental", "address": a["property"]["address"]}).status == 403
    # Lifting the scope gives the community back.
    ok(assign(world, manager_id, []))
    assert reads(manager, b) == [200] * 5
    assert listed(manager, "/v1/residents") >= {a["resident"]["id"], b["resident"]["id"]}


def test_a_property_owner_reads_only_their_properties(rentals: dict[str, Any]) -> None:
    world = rentals
    a, b = world["a"], world["b"]
    owner_id, owner = member(world["community_id"], Role.PROPERTY_OWNER)
    # Unassigned: nothing at all (deny by default).
    assert listed(owner, "/v1/properties") == set() and listed(owner, "/v1/tenancies") == set()
    assert reads(owner, a) == [404] * 5
    ok(assign(world, owner_id, [b["property"]["id"]]))
    assert reads(owner, b) == [200] * 5
    assert reads(owner, a) == [404] * 5
    assert listed(owner, "/v1/properties") == {b["property"]["id"]}
    assert listed(owner, "/v1/tenancies") == {b["tenancy"]["id"]}
    assert listed(owner, f"/v1/properties/{b['property']['id']}/units") == {b["unit"]["id"]}
    # Read-only, and no residents directory (no contact details).
    assert call("POST", f"/v1/tenancies/{b['tenancy']['id']}/payments", token=owner, json_body={
        "amount": "1", "on": "2026-11-01", "method": "cash"}).status == 403
    assert call("GET", "/v1/residents", token=owner).status == 403
    assert call("GET", "/v1/messages", token=owner).status == 403


def test_scoped_lists_page_across_properties(rentals: dict[str, Any]) -> None:
    world = rentals
    manager_id, manager = member(world["community_id"], Role.MANAGER)
    ok(assign(world, manager_id, [world["a"]["property"]["id"], world["b"]["property"]["id"]]))
    seen: list[str] = []
    after: str | None = None
    for _ in range(5):
        page = ok(call("GET", "/v1/tenancies", token=manager, query={"limit": "1", **({"cursor": after} if after
                                                                                     else {})}))
        seen.extend(t["id"] for t in page["items"])
        after = page["next_cursor"]
        if after is None:
            break
    assert sorted(seen) == sorted([world["a"]["tenancy"]["id"], world["b"]["tenancy"]["id"]])
    first = ok(call("GET", "/v1/properties", token=manager, query={"limit": "1"}))
    rest = ok(call("GET", "/v1/properties", token=manager, query={"limit": "1", "cursor": first["next_cursor"]}))
    assert len(first["items"]) == len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert first["items"][0]["id"] != rest["items"][0]["id"]
