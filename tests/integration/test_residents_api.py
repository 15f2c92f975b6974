"""The residents directory over its API: CRUD, uniqueness, normalisation, custom fields, derived
status, filters and search, pagination, consent history, export, permissions and tenancy."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from shared.identity import repository as identity_repository
from shared.identity import service as identity_service
from shared.identity.models import User
from shared.platform import clock, ids
from shared.platform.context import RequestMeta
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup()


def token_for(admin: dict[str, Any], role: Role, email: str) -> str:
    """A signed-in user of the admin's community with `role` (no MFA enrolment step)."""
    now = clock.iso()
    user = User(id=ids.new_id(), community_id=admin["community"]["id"], email=email, full_name=str(role),
                role=role, status="active", password_hash="x", email_verified=True, mfa_enabled=False,
                created_at=now, updated_at=now)
    identity_repository.create_user(user)
    return identity_service.start_session(user, None, RequestMeta()).access_token


def add(token: str, **body: Any) -> Any:
    return call("POST", "/v1/residents", token=token, json_body={"first_name": "Ann", "last_name": "Lee",
                                                                   "role": "owner"} | body)


def created(token: str, **body: Any) -> dict[str, Any]:
    answer = add(token, **body)
    assert answer.status == 201, answer.body
    return answer.body  # type: ignore[no-any-return]


def listed(token: str, **query: str) -> dict[str, Any]:
    answer = call("GET", "/v1/residents", token=token, query=query or None)
    assert answer.status == 200, answer.body
    return answer.body  # type: ignore[no-any-return]


def test_create_read_update_delete(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = admin["access_token"]
    resident = created(token, email=" Ann.Lee@Example.COM ", phone="(202) 555-0143", unit=" 4B ", balance="125.5",
                       tags=["Pool", "pool ", "Dogs"], has_violation=True)
    assert resident["email"] == "ann.lee@example.com" and resident["phone"] == "+12025550143"
    assert resident["unit"] == "4B" and resident["balance"] == "125.50" and resident["tags"] == ["pool", "dogs"]
    assert resident["delinquent"] is True and resident["has_violation"] is True
    assert resident["consent"] == {"email": True, "sms": False} and resident["custom"] == {}
    assert resident["created_at"].endswith("Z") and resident["created_at"] == resident["updated_at"]
    rid = resident["id"]
    assert call("GET", f"/v1/residents/{rid}", token=token).body == resident
    patched = call("PATCH", f"/v1/residents/{rid}", token=token,
                   json_body={"last_name": "Park", "balance": 0, "phone": None, "unit": None})
    assert patched.status == 200, patched.body
    assert patched.body["last_name"] == "Park" and patched.body["balance"] == "0.00"
    assert patched.body["phone"] is None and patched.body["unit"] is None and patched.body["delinquent"] is False
    # The phone was freed: another resident may take it now.
    assert add(token, first_name="Bo", phone="+1 202 555 0143").status == 201
    assert call("DELETE", f"/v1/residents/{rid}", token=token).status == 204
    assert call("GET", f"/v1/residents/{rid}", token=token).status == 404
    assert call("DELETE", f"/v1/residents/{rid}", token=token).status == 404
    # ...and its email too.
    assert add(token, email="ann.lee@example.com").status == 201
    events = audit_events(aws_env)
    assert {"resident.created", "resident.updated", "resident.deleted"} <= {e.action for e in events}
    assert "ann.lee@example.com" not in str([e.model_dump() for e in events])  # ids only, never addresses


def test_duplicate_email_case_insensitive_and_phone_are_409(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    first = created(token, email="rae@example.com", phone="+12025550143")
    clash = add(token, email="RAE@Example.com")
    assert clash.status == 409 and clash.body["error"]["code"] == "CONFLICT"
    assert [d["field"] for d in clash.body["error"]["details"]] == ["email"]
    clash = add(token, email="other@example.com", phone="202-555-0143")
    assert clash.status == 409 and [d["field"] for d in clash.body["error"]["details"]] == ["phone"]
    second = created(token, email="other@example.com")
    moved = call("PATCH", f"/v1/residents/{second['id']}", token=token, json_body={"email": "Rae@example.com"})
    assert moved.status == 409
    assert call("GET", f"/v1/residents/{first['id']}", token=token).body["email"] == "rae@example.com"
    # Another community may hold the same addresses.
    assert add(signup(name="Elm", email="eve@example.com")["access_token"], email="rae@example.com",
               phone="+12025550143").status == 201


def test_phone_is_read_in_the_communitys_region(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    assert created(token, phone="+44 20 7946 0958")["phone"] == "+442079460958"
    assert call("PATCH", "/v1/community", token=admin["access_token"],
                json_body={"default_region": "gb"}).body["default_region"] == "GB"
    assert created(token, phone="020 7946 0959")["phone"] == "+442079460959"
    assert call("GET", "/v1/community", token=token).body["default_region"] == "GB"


@pytest.mark.parametrize("phone", ["555-0123", "12", "not a phone", "+1 999 555 0143"])
def test_invalid_phone_is_422(admin: dict[str, Any], phone: str) -> None:
    answer = add(admin["access_token"], phone=phone)
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED"
    assert [d["field"] for d in answer.body["error"]["details"]] == ["phone"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"balance": "12.345"}, "balance"),
        ({"balance": "lots"}, "balance"),
        ({"role": "landlord"}, "role"),
        ({"first_name": ""}, "first_name"),
        ({"nickname": "A"}, "nickname"),
        ({"consent": {"fax": True}}, "consent.fax"),
        ({"tags": ["x" * 51]}, "tags"),
    ],
)
def test_bad_resident_bodies_are_422(admin: dict[str, Any], body: dict[str, Any], field: str) -> None:
    answer = add(admin["access_token"], **body)
    assert answer.status == 422, answer.body
    assert field in [d["field"] for d in answer.body["error"]["details"]], answer.body


def test_custom_fields_define_and_validate_values(admin: dict[str, Any]) -> None:
    token = admin["access_token"]

    def define(**body: Any) -> Any:
        return call("POST", "/v1/custom-fields", token=token, json_body=body)

    assert define(key="parking", label="Parking spot", type="text", required=True).status == 201
    assert define(key="pets", label="Pets", type="multiselect", options=["Dog", "Cat"]).status == 201
    assert define(key="moved_in", label="Moved in", type="date").status == 201
    assert define(key="score", label="Score", type="number").status == 201
    assert define(key="pets", label="Again", type="text").status == 409
    assert define(key="size", label="Size", type="select").status == 422  # select needs options
    assert define(key="Bad Key", label="x", type="text").status == 422
    assert [f["key"] for f in call("GET", "/v1/custom-fields", token=token).body["items"]] == [
        "parking", "pets", "moved_in", "score"]

    missing = add(token)
    assert missing.status == 422
    assert [d["field"] for d in missing.body["error"]["details"]] == ["custom.parking"]
    wrong = add(token, custom={"parking": "P1", "pets": ["Fish"], "moved_in": "2024-13-01", "score": "high",
                               "colour": "red"})
    assert wrong.status == 422
    assert sorted(d["field"] for d in wrong.body["error"]["details"]) == [
        "custom.colour", "custom.moved_in", "custom.pets", "custom.score"]
    ok = created(token, custom={"parking": "P1", "pets": ["cat", "Dog", "Cat"], "moved_in": "2024-02-29",
                                "score": "7"})
    assert ok["custom"] == {"parking": "P1", "pets": ["Cat", "Dog"], "moved_in": "2024-02-29", "score": 7}
    cleared = call("PATCH", f"/v1/residents/{ok['id']}", token=token, json_body={"custom": {"pets": None}})
    assert cleared.status == 200 and "pets" not in cleared.body["custom"]
    unset_required = call("PATCH", f"/v1/residents/{ok['id']}", token=token, json_body={"custom": {"parking": ""}})
    assert unset_required.status == 422
    assert [d["field"] for d in unset_required.body["error"]["details"]] == ["custom.parking"]

    edited = call("PATCH", "/v1/custom-fields/pets", token=token, json_body={"options": ["Dog", "Cat", "Bird"]})
    assert edited.status == 200 and edited.body["options"] == ["Dog", "Cat", "Bird"]
    assert call("PATCH", "/v1/custom-fields/pets", token=token, json_body={"type": "text"}).status == 422
    assert call("PATCH", "/v1/custom-fields/nope", token=token, json_body={"label": "x"}).status == 404
    assert call("DELETE", "/v1/custom-fields/parking", token=token).status == 204
    assert call("DELETE", "/v1/custom-fields/parking", token=token).status == 404
    assert add(token).status == 201  # no longer required


def test_delinquent_is_derived_from_the_communitys_threshold(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    owing = created(token, balance="50.00")
    credit = created(token, first_name="Bo", balance="-10")
    zero = created(token, first_name="Cy")
    assert (owing["delinquent"], credit["delinquent"], zero["delinquent"]) == (True, False, False)
    assert [r["id"] for r in listed(token, status="delinquent")["items"]] == [owing["id"]]
    patched = call("PATCH", "/v1/community", token=admin["access_token"], json_body={"delinquency_threshold": "100"})
    assert patched.status == 200 and patched.body["delinquency_threshold"] == "100.00"
    assert call("GET", f"/v1/residents/{owing['id']}", token=token).body["delinquent"] is False
    assert listed(token, status="delinquent")["items"] == []
    assert call("GET", "/v1/community", token=token).body["delinquency_threshold"] == "100.00"


def test_filters_and_search(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    ann = created(token, first_name="Ann", last_name="Lee", email="ann@example.com", unit="4B", tags=["pool"])
    bo = created(token, first_name="Bo", last_name="Annis", role="tenant", unit="4b", has_violation=True)
    cy = created(token, first_name="Cy", last_name="Young", email="annex@example.org", role="board", tags=["gym"])

    def ids_of(**query: str) -> list[str]:
        return [r["id"] for r in listed(token, **query)["items"]]

    assert ids_of() == [ann["id"], bo["id"], cy["id"]]
    assert ids_of(role="tenant") == [bo["id"]]
    assert ids_of(status="has_violation") == [bo["id"]]
    assert ids_of(tag="POOL") == [ann["id"]]
    assert ids_of(unit="4B") == [ann["id"], bo["id"]]
    assert ids_of(q="ann") == [ann["id"], bo["id"], cy["id"]]  # first name, last name, email prefix
    assert ids_of(q="ann l") == [ann["id"]]  # full name prefix
    assert ids_of(q="annex") == [cy["id"]]
    assert ids_of(q="ann", role="board") == [cy["id"]]
    assert ids_of(q="zed") == []
    assert call("GET", "/v1/residents", token=token, query={"status": "late"}).status == 422
    assert call("GET", "/v1/residents", token=token, query={"role": "king"}).status == 422


def test_pagination_is_stable_and_cursors_are_bound_to_the_community(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    made = [created(token, first_name=f"R{i}", tags=["odd"] if i % 2 else [])["id"] for i in range(7)]
    seen: list[str] = []
    page = listed(token, limit="3")
    while True:
        seen += [r["id"] for r in page["items"]]
        if page["next_cursor"] is None:
            break
        page = listed(token, limit="3", cursor=page["next_cursor"])
    assert seen == made
    odd = listed(token, limit="2", tag="odd")
    assert [r["id"] for r in odd["items"]] == [made[1], made[3]]
    rest = listed(token, limit="2", tag="odd", cursor=odd["next_cursor"])
    assert [r["id"] for r in rest["items"]] == [made[5]]
    other = signup(name="Elm", email="eve@example.com")["access_token"]
    refused = call("GET", "/v1/residents", token=other, query={"cursor": odd["next_cursor"]})
    assert refused.status == 400 and refused.body["error"]["code"] == "INVALID_CURSOR"
    garbage = call("GET", "/v1/residents", token=token, query={"cursor": "abc.def.ghi"})
    assert garbage.status == 400 and garbage.body["error"]["code"] == "INVALID_CURSOR"


def test_another_communitys_resident_is_404(admin: dict[str, Any]) -> None:
    rid = created(admin["access_token"])["id"]
    other = signup(name="Elm", email="eve@example.com")["access_token"]
    for method in ("GET", "DELETE"):
        answer = call(method, f"/v1/residents/{rid}", token=other)
        assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND"
    assert call("PATCH", f"/v1/residents/{rid}", token=other, json_body={"first_name": "X"}).status == 404
    assert call("GET", f"/v1/residents/{rid}/consent-history", token=other).status == 404
    assert listed(other)["items"] == []


def test_consent_history_and_audit(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, user_id = admin["access_token"], admin["user"]["id"]
    rid = created(token, email="rae@example.com", consent={"sms": True})["id"]
    for consent in ({"email": False}, {"email": False}, {"sms": False, "email": True}):
        answer = call("PATCH", f"/v1/residents/{rid}", token=token, json_body={"consent": consent})
        assert answer.status == 200 and answer.body["consent"] == {"email": consent.get("email", False),
                                                                   "sms": consent.get("sms", True)}
    history = call("GET", f"/v1/residents/{rid}/consent-history", token=token).body
    # Newest first: the starting consent, then only the changes (the repeated opt-out changed nothing).
    assert [(h["channel"], h["value"]) for h in history["items"]] == [
        ("sms", False), ("email", True), ("email", False), ("sms", True), ("email", True)]
    assert all(h["source"] == f"api:{user_id}" and h["actor_id"] == user_id for h in history["items"])
    first = call("GET", f"/v1/residents/{rid}/consent-history", token=token, query={"limit": "2"}).body
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call("GET", f"/v1/residents/{rid}/consent-history", token=token,
                query={"limit": "10", "cursor": first["next_cursor"]}).body
    assert [h["id"] for h in first["items"] + rest["items"]] == [h["id"] for h in history["items"]]
    changed = [e for e in audit_events(aws_env) if e.action == "resident.consent.changed"]
    assert [(e.detail["channel"], e.detail["value"]) for e in changed] == [
        ("email", True), ("sms", True), ("email", False), ("email", True), ("sms", False)]
    assert all(e.target == rid and e.actor_id == user_id for e in changed)


def test_export_neutralises_formulas(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    call("POST", "/v1/custom-fields", token=token, json_body={"key": "note", "label": "Note", "type": "text"})
    created(token, first_name="=HYPERLINK(\"http://evil\")", last_name="+1", unit="@SUM(A1)", balance="-5",
            tags=["-pool"], custom={"note": "@cmd|calc"}, email="x@example.com")
    created(token, first_name="Plain", last_name="Person")
    answer = call("GET", "/v1/residents.csv", token=token)
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.body)))
    assert len(rows) == 2
    evil = rows[0]
    assert evil["first_name"] == "'=HYPERLINK(\"http://evil\")" and evil["last_name"] == "'+1"
    assert evil["unit"] == "'@SUM(A1)" and evil["balance"] == "'-5.00" and evil["tags"] == "'-pool"
    assert evil["custom.note"] == "'@cmd|calc" and evil["email"] == "x@example.com"
    assert rows[1]["first_name"] == "Plain" and rows[1]["balance"] == "0.00"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    only_plain = call("GET", "/v1/residents.csv", token=token, query={"q": "plain"})
    assert only_plain.status == 200 and len(list(csv.DictReader(io.StringIO(only_plain.body)))) == 1


def test_permissions_by_role(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    rid = created(token)["id"]
    manager = token_for(admin, Role.MANAGER, "m@example.com")
    board = token_for(admin, Role.BOARD, "b@example.com")
    owner = token_for(admin, Role.OWNER, "o@example.com")
    assert add(manager, first_name="Mo").status == 201
    assert call("GET", "/v1/residents.csv", token=manager).status == 403  # export: admins only
    assert call("GET", f"/v1/residents/{rid}", token=board).status == 200
    assert call("GET", "/v1/segments", token=board).status == 200
    assert add(board).status == 403
    assert call("PATCH", f"/v1/residents/{rid}", token=board, json_body={"first_name": "X"}).status == 403
    assert call("POST", "/v1/custom-fields", token=board,
                json_body={"key": "a", "label": "A", "type": "text"}).status == 403
    for path in ("/v1/residents", f"/v1/residents/{rid}", "/v1/custom-fields", "/v1/segments"):
        answer = call("GET", path, token=owner)
        assert answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN", path


def test_idempotent_create(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    body = {"first_name": "Ann", "last_name": "Lee", "role": "owner", "email": "ann@example.com"}
    first = call("POST", "/v1/residents", token=token, json_body=body, headers={"Idempotency-Key": "k1"})
    again = call("POST", "/v1/residents", token=token, json_body=body, headers={"Idempotency-Key": "k1"})
    assert first.status == again.status == 201 and first.body == again.body
    assert len(listed(token)["items"]) == 1
