"""Issue 15 on moto: `POST /v1/applications/{id}/convert` through the properties domain's tenancies.

The applicant becomes a tenant resident (the directory's resident with their email is reused) and the
lead party of a tenancy on the unit; the properties rules answer for the unit (422, overlap 409, scope);
a refused conversion leaves nothing behind, and retries (a key, a second call, a half-done first
attempt) never make a second tenancy or resident.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.intake import repository as intake_repository
from shared.platform import ids
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_intake import APPLICANT, V1_ANSWERS, apply
from tests.integration.test_property_scope import member
from tests.integration.test_residents_sample_events import _as_caller
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext, call
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit, ok
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

TERMS = {"start_on": "2027-02-01", "rent": "1850.00", "rent_period": "monthly", "rent_due_day": 1}


@pytest.fixture
def world() -> dict[str, Any]:
    admin = signup("Maple Rentals", "ann@example.com")
    token = admin["access_token"]
    prop = new_property(token, "Maple House")
    return {"admin": admin, "token": token, "slug": admin["community"]["slug"], "property": prop,
            "unit": new_unit(token, prop["id"], "101"), "unit2": new_unit(token, prop["id"], "102")}


def approved(world: dict[str, Any], applicant: dict[str, Any] = APPLICANT) -> str:
    app_id = str(apply(world["slug"], 1, V1_ANSWERS, applicant).body["id"])
    ok(call("PATCH", f"/v1/applications/{app_id}", token=world["token"], json_body={"status": "approved"}))
    return app_id


def convert(token: str, app_id: str, unit_id: str, **extra: Any) -> Any:
    headers = extra.pop("headers", None)
    return call("POST", f"/v1/applications/{app_id}/convert", token=token, headers=headers,
                json_body={"unit_id": unit_id, **TERMS, **extra})


def residents(token: str) -> list[dict[str, Any]]:
    return list(ok(call("GET", "/v1/residents", token=token))["items"])


def unit_tenancies(token: str, unit_id: str) -> list[str]:
    return [t["id"] for t in ok(call("GET", "/v1/tenancies", token=token, query={"unit_id": unit_id}))["items"]]


def test_convert_makes_a_tenant_resident_and_a_tenancy(world: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, unit = world["token"], world["unit"]
    app_id = approved(world)
    audit_events(aws_env)
    tenancy = ok(convert(token, app_id, unit["id"]), 201)
    [resident] = residents(token)
    assert (resident["role"], resident["email"], resident["first_name"], resident["last_name"]) == (
        "tenant", "bea@example.com", "Bea", "Tenant")
    assert tenancy["parties"] == [{"resident_id": resident["id"], "lead": True}]
    assert (tenancy["unit_id"], tenancy["property_id"], tenancy["rent"], tenancy["rent_period"],
            tenancy["rent_due_day"], tenancy["start_on"], tenancy["status"]) == (
        unit["id"], world["property"]["id"], "1850.00", "monthly", 1, "2027-02-01", "upcoming")
    assert ok(call("GET", f"/v1/tenancies/{tenancy['id']}", token=token))["parties"] == tenancy["parties"]
    application = ok(call("GET", f"/v1/applications/{app_id}", token=token))
    assert (application["status"], application["tenancy_id"], application["resident_id"]) == (
        "converted", tenancy["id"], resident["id"])
    actions = {e.action: e for e in audit_events(aws_env)}
    assert {"resident.created", "tenancy.created", "application.converted"} <= set(actions)
    assert actions["application.converted"].detail == {"resident_id": resident["id"], "resident_created": True,
                                                       "tenancy_id": tenancy["id"]}


def test_the_directory_s_resident_with_the_applicant_s_email_is_reused(world: dict[str, Any]) -> None:
    token = world["token"]
    known = new_resident(token, "Beatrice", email="BEA@example.com")
    tenancy = ok(convert(token, approved(world), world["unit"]["id"]), 201)
    assert tenancy["parties"] == [{"resident_id": known["id"], "lead": True}]
    assert [r["id"] for r in residents(token)] == [known["id"]]
    assert ok(call("GET", f"/v1/residents/{known['id']}", token=token))["first_name"] == "Beatrice"  # untouched


def test_an_overlap_is_409_and_leaves_nothing_behind(world: dict[str, Any]) -> None:
    token, unit = world["token"], world["unit"]
    sitting = new_resident(token, "Sam")
    held = new_tenancy(token, unit["id"], [sitting["id"]], "2026-06-01", "2027-05-31")
    app_id = approved(world)
    refused = convert(token, app_id, unit["id"])
    assert refused.status == 409 and refused.body["error"]["code"] == "CONFLICT", refused.body
    assert refused.body["error"]["details"] == [{"field": "start_on", "message": f"overlaps tenancy {held['id']}"}]
    assert [r["id"] for r in residents(token)] == [sitting["id"]]  # the applicant was not made a resident
    assert ok(call("GET", f"/v1/applications/{app_id}", token=token))["status"] == "approved"
    ok(convert(token, app_id, world["unit2"]["id"]), 201)  # another unit: converted


def test_converting_twice_is_409_and_the_same_key_replays_the_first_answer(world: dict[str, Any]) -> None:
    token, unit = world["token"], world["unit"]
    app_id = approved(world)
    key = {"Idempotency-Key": "convert-bea-1"}
    first = ok(convert(token, app_id, unit["id"], headers=key), 201)
    assert ok(convert(token, app_id, unit["id"], headers=key), 201) == first
    again = convert(token, app_id, world["unit2"]["id"])
    assert again.status == 409 and again.body["error"]["code"] == "CONFLICT"
    reused = convert(token, app_id, world["unit2"]["id"], headers=key)
    assert reused.status == 409 and reused.body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert unit_tenancies(token, unit["id"]) == [first["id"]] and unit_tenancies(token, world["unit2"]["id"]) == []
    assert len(residents(token)) == 1
    assert call("PATCH", f"/v1/applications/{app_id}", token=token, json_body={"status": "declined"}).status == 409


def test_a_retry_after_a_half_done_conversion_finishes_it(world: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The tenancy was written but the application's update was lost: the retry keeps that tenancy."""
    token, unit = world["token"], world["unit"]
    app_id = approved(world)
    real = intake_repository.replace_application

    def lost(*args: Any, **kwargs: Any) -> bool:
        raise RuntimeError("the function timed out")

    monkeypatch.setattr(intake_repository, "replace_application", lost)
    assert convert(token, app_id, unit["id"]).status == 500
    [made] = unit_tenancies(token, unit["id"])
    monkeypatch.setattr(intake_repository, "replace_application", real)
    finished = ok(convert(token, app_id, unit["id"]), 201)
    assert finished["id"] == made and unit_tenancies(token, unit["id"]) == [made]
    assert len(residents(token)) == 1
    assert ok(call("GET", f"/v1/applications/{app_id}", token=token))["tenancy_id"] == made


def test_the_unit_is_the_properties_domain_s_to_judge(world: dict[str, Any]) -> None:
    token = world["token"]
    app_id = approved(world)
    unknown = convert(token, app_id, ids.new_id())
    assert unknown.status == 422 and unknown.body["error"]["details"][0]["field"] == "unit_id"
    other = signup("Pine Rentals", "pat@example.com")["access_token"]
    foreign = new_unit(other, new_property(other)["id"], "1")
    assert convert(token, app_id, foreign["id"]).body == unknown.body  # another community's: the same answer
    misfit = convert(token, app_id, world["unit"]["id"], rent_period="weekly", rent_due_day=9)
    assert misfit.status == 422 and misfit.body["error"]["details"][0]["field"] == "rent_due_day", misfit.body
    daily = convert(token, app_id, world["unit"]["id"], rent_period="daily")
    assert daily.status == 422 and daily.body["error"]["details"][0]["field"] == "rent_due_day", daily.body
    assert convert(token, ids.new_id(), world["unit"]["id"]).status == 404
    assert residents(token) == []  # nothing made by any refusal
    pending = str(apply(world["slug"], 1, V1_ANSWERS, {**APPLICANT, "email": "cy@example.com"}).body["id"])
    assert convert(token, pending, world["unit"]["id"]).status == 409  # not approved yet
    assert convert(other, app_id, foreign["id"]).status == 404  # another community's application


def test_a_property_manager_converts_only_onto_their_properties(world: dict[str, Any]) -> None:
    token, cid = world["token"], world["admin"]["community"]["id"]
    elsewhere = new_property(token, "Elm Court")
    far_unit = new_unit(token, elsewhere["id"], "1")
    manager_id, manager = member(cid, Role.MANAGER)
    ok(call("PUT", f"/v1/users/{manager_id}/properties", token=token,
            json_body={"property_ids": [world["property"]["id"]]}))
    app_id = approved(world)
    out_of_scope = convert(manager, app_id, far_unit["id"])
    unknown = convert(manager, app_id, ids.new_id())
    assert out_of_scope.status == 422 and out_of_scope.body == unknown.body  # exactly as a unit that is not there
    assert residents(token) == [] and unit_tenancies(token, far_unit["id"]) == []
    assert ok(call("GET", f"/v1/applications/{app_id}", token=token))["status"] == "approved"
    tenancy = ok(convert(manager, app_id, world["unit"]["id"]), 201)
    assert ok(call("GET", f"/v1/tenancies/{tenancy['id']}", token=manager))["id"] == tenancy["id"]
    _, board = member(cid, Role.BOARD)
    assert convert(board, app_id, world["unit"]["id"]).status == 403


def test_the_convert_sample_event(world: dict[str, Any]) -> None:
    from functions.api.intake import applications_convert

    app_id = approved(world)
    event = _as_caller(load("api-application-convert.json"), world["token"])
    path = f"/v1/applications/{app_id}/convert"
    event["pathParameters"]["id"], event["rawPath"], event["requestContext"]["http"]["path"] = app_id, path, path
    body = json.loads(event["body"])
    body["unit_id"] = world["unit"]["id"]
    event["body"] = json.dumps(body)
    answer = applications_convert.handler(event, FakeContext())
    assert answer["statusCode"] == 201, answer
    assert json.loads(answer["body"])["unit_id"] == world["unit"]["id"]
    assert applications_convert.handler(event, FakeContext())["body"] == answer["body"]  # its key replays
    # The sample's placeholder identity names nobody: 401, never a 500.
    assert applications_convert.handler(load("api-application-convert.json"), FakeContext())["statusCode"] == 401
