"""Issue 12: a resident user's own messages (by a key, newest first), messages about a thing, and the
assets their role may see, through the same endpoints staff use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.identity import service as identity_service
from shared.platform import aws, db
from shared.platform.context import RequestMeta
from shared.residents import repository as resident_records
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_assets_api import PDF, upload
from tests.integration.test_messages_api import template
from tests.support.api import call
from tests.support.portal import add_resident, add_resident_user
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit

pytestmark = pytest.mark.integration


@pytest.fixture
def dynamodb_calls() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB operation made while the test runs, with its parameters."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.append((model.name, params))

    # the shared client and the models' connection (the same client unless an earlier test reset one)
    clients = {id(c): c for c in (aws.client("dynamodb"), db.connection().client)}.values()
    for client in clients:
        client.meta.events.register("provide-client-params.dynamodb.*", record)
    yield calls
    for client in clients:
        client.meta.events.unregister("provide-client-params.dynamodb.*", record)


def send(token: str, template_id: str, resident_id: str, related: dict[str, str] | None = None) -> str:
    body: dict[str, Any] = {"channel": "email", "template_id": template_id, "resident_id": resident_id,
                            "variables": {"balance": "1"}}
    if related is not None:
        body["related"] = related
    answer = call("POST", "/v1/messages", token=token, json_body=body)
    assert answer.status == 202, answer.body
    return str(answer.body["id"])


def test_a_resident_user_reads_exactly_their_own_messages(dynamodb_calls: list[tuple[str, dict[str, Any]]]) -> None:
    admin = signup()
    cid, staff = admin["community"]["id"], admin["access_token"]
    tpl = template(staff)["id"]
    mine, theirs = add_resident(cid, "tenant", "me@example.com"), add_resident(cid, "owner", "you@example.com")
    sent = [send(staff, tpl, mine.id), send(staff, tpl, theirs.id), send(staff, tpl, mine.id)]
    user = add_resident_user(cid, Role.TENANT, mine)
    token = identity_service.start_session(user, None, RequestMeta()).access_token

    dynamodb_calls.clear()
    listed = call("GET", "/v1/messages", token=token)
    assert listed.status == 200, listed.body
    assert [m["id"] for m in listed.body["items"]] == [sent[2], sent[0]]  # newest first
    assert all(m["to"] == "m***@example.com" for m in listed.body["items"])
    operations = [name for name, _ in dynamodb_calls]
    assert "Scan" not in operations
    (query,) = [params for name, params in dynamodb_calls if name == "Query"]
    assert query["IndexName"] == "gsi2" and query["ScanIndexForward"] is False  # a key, not a filter

    first = call("GET", "/v1/messages", token=token, query={"limit": "1"}).body
    second = call("GET", "/v1/messages", token=token, query={"limit": "1", "cursor": first["next_cursor"]}).body
    assert [m["id"] for m in first["items"] + second["items"]] == [sent[2], sent[0]]
    assert call("GET", f"/v1/messages/{sent[0]}", token=token).status == 200
    other = call("GET", f"/v1/messages/{sent[1]}", token=token)
    assert other.status == 404 and other.body["error"]["code"] == "NOT_FOUND"
    assert call("GET", "/v1/messages", token=token, query={"resident_id": theirs.id}).body["items"] == []
    assert call("POST", f"/v1/messages/{sent[0]}/retry", token=token).status == 403


def test_staff_list_a_residents_messages_and_every_message_about_a_thing() -> None:
    admin = signup()
    cid, staff = admin["community"]["id"], admin["access_token"]
    tpl = template(staff)["id"]
    ann, bo = add_resident(cid, "tenant", "ann.t@example.com"), add_resident(cid, "tenant", "bo.t@example.com")
    order = {"type": "work_order", "id": "01JWORKORDER0000000000001"}
    about_ann = send(staff, tpl, ann.id, order)
    about_bo = send(staff, tpl, bo.id, order)
    plain = send(staff, tpl, ann.id)
    send(staff, tpl, bo.id, {"type": "notice", "id": "N1"})

    related = call("GET", "/v1/messages", token=staff, query={"related": "work_order:01JWORKORDER0000000000001"})
    assert [m["id"] for m in related.body["items"]] == [about_bo, about_ann], related.body
    assert related.body["items"][0]["related"] == order
    both = call("GET", "/v1/messages", token=staff,
                query={"resident_id": ann.id, "related": "work_order:01JWORKORDER0000000000001"})
    assert [m["id"] for m in both.body["items"]] == [about_ann]
    by_resident = call("GET", "/v1/messages", token=staff, query={"resident_id": ann.id})
    assert [m["id"] for m in by_resident.body["items"]] == [plain, about_ann]

    cursor = call("GET", "/v1/messages", token=staff, query={"resident_id": ann.id, "limit": "1"}).body["next_cursor"]
    crossed = call("GET", "/v1/messages", token=staff, query={"cursor": cursor})
    assert crossed.status == 400 and crossed.body["error"]["code"] == "INVALID_CURSOR"
    for bad in ("work_order", "invoice:1", "work_order:a#b", "tenancy:"):
        answer = call("GET", "/v1/messages", token=staff, query={"related": bad})
        assert answer.status == 422, (bad, answer.body)
    refused = call("POST", "/v1/messages", token=staff, json_body={
        "channel": "email", "template_id": tpl, "resident_id": ann.id, "related": {"type": "invoice", "id": "1"}})
    assert refused.status == 422


def test_a_resident_user_sees_the_assets_their_role_may(aws_env: dict[str, Any]) -> None:
    admin = signup()
    cid, staff = admin["community"]["id"], admin["access_token"]
    ids = {v: upload(aws_env, staff, PDF, filename=f"{v}.pdf", visibility=v)["asset"]["id"]
           for v in ("staff", "residents", "owners", "tenants", "board")}
    for role, visible in ((Role.TENANT, {"residents", "tenants"}), (Role.OWNER, {"residents", "owners"})):
        user = add_resident_user(cid, role)
        token = identity_service.start_session(user, None, RequestMeta()).access_token
        listed = call("GET", "/v1/assets", token=token).body["items"]
        assert {a["id"] for a in listed} == {ids[v] for v in visible}, role
        for visibility, asset_id in ids.items():
            assert call("GET", f"/v1/assets/{asset_id}", token=token).status == (200 if visibility in visible else 404)


def test_me_lists_the_tenancies_the_resident_is_a_party_to() -> None:
    admin = signup()
    cid, staff = admin["community"]["id"], admin["access_token"]
    prop = new_property(staff)
    unit_a, unit_b = new_unit(staff, prop["id"], "1A"), new_unit(staff, prop["id"], "1B")
    tia, roommate, other = (new_resident(staff, name) for name in ("Tia", "Rom", "Oth"))
    lease = new_tenancy(staff, unit_a["id"], [roommate["id"], tia["id"]], "2026-01-01")  # Tia is not the lead
    new_tenancy(staff, unit_b["id"], [other["id"]], "2026-01-01")
    record = resident_records.get(cid, tia["id"])
    assert record is not None
    user = add_resident_user(cid, Role.TENANT, record)
    token = identity_service.start_session(user, None, RequestMeta()).access_token
    me = call("GET", "/v1/me", token=token).body
    assert me["tenancies"] == [{"id": lease["id"], "property_id": prop["id"], "unit_id": unit_a["id"], "lead": False}]
    assert call("GET", f"/v1/tenancies/{lease['id']}", token=token).status == 200  # the properties scope agrees
