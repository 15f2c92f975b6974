"""Notices over the API on moto: calculate, drafts (N1 details, N4 arrears by period from the ledger, N11),
PATCH/DELETE only while draft, scope (another property's notice is 404 for a property manager, a tenant
never sees a draft), serve re-checking every rule (422 NOTICE_RULE_FAILED naming s.59), reminders stored
by due date and cancelled by void and complete, the reminder centre."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.properties import days
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_property_scope import member
from tests.support.api import call
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit, ok

pytestmark = pytest.mark.integration


def monday_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


@pytest.fixture
def world() -> dict[str, Any]:
    """A tenancy two months in arrears (rent charged on `c1` and `c2`, 500.00 paid) and a Monday `m` after both."""
    admin = signup()
    token = admin["access_token"]
    today = days.today_in("UTC")
    m = monday_before(today - timedelta(days=30))
    c1, c2 = m - timedelta(days=31), m - timedelta(days=1)
    prop = new_property(token)
    unit = new_unit(token, prop["id"], "101")
    ann = new_resident(token, "Ann")
    tenancy = new_tenancy(token, unit["id"], [ann["id"]], (c1 - timedelta(days=400)).isoformat())
    for on in (c1, c2):
        ok(call("POST", f"/v1/tenancies/{tenancy['id']}/charges", token=token, json_body={
            "amount": "1500.00", "on": on.isoformat(), "category": "rent", "description": "Rent"}), 201)
    ok(call("POST", f"/v1/tenancies/{tenancy['id']}/payments", token=token, json_body={
        "amount": "500.00", "on": c1.isoformat(), "method": "etransfer"}), 201)
    return {"token": token, "community_id": admin["community"]["id"], "property": prop, "unit": unit,
            "tenancy": tenancy, "m": m, "c1": c1, "c2": c2, "today": today}


def post(token: str, path: str, body: Any) -> Any:
    return call("POST", path, token=token, json_body=body)


def test_calculate_names_rules_and_refuses_email_without_consent(world: dict[str, Any]) -> None:
    token, m = world["token"], world["m"]
    body = {"type": "n4", "tenancy_id": world["tenancy"]["id"], "served_on": m.isoformat(), "service_method": "mail"}
    found = ok(post(token, "/v1/notices/calculate", body))
    assert found["deemed_served_on"] == (m + timedelta(days=5)).isoformat()  # a Saturday: not moved
    assert found["earliest_effective_on"] == (m + timedelta(days=19)).isoformat()
    assert {"service.mail", "n4.termination_period"} <= {r["rule"] for r in found["rules"]}
    assert all(r["citation"] for r in found["rules"])
    refused = ok(post(token, "/v1/notices/calculate", body | {"service_method": "email"}), 422)["error"]
    assert refused["code"] == "NOTICE_RULE_FAILED" and refused["details"][0]["field"] == "service.email"
    early = ok(post(token, "/v1/notices/calculate", body | {"served_on": "1990-01-01"}), 422)["error"]
    assert early["code"] == "VALIDATION_FAILED" and early["details"][0]["field"] == "served_on"
    assert ok(post(token, "/v1/notices/calculate", body | {"tenancy_id": "nope"}), 422)["error"]["details"][0][
        "field"] == "tenancy_id"


def test_drafts_compute_details_and_change_only_while_draft(world: dict[str, Any]) -> None:
    token, tid = world["token"], world["tenancy"]["id"]
    n4 = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid, "details": {}}), 201)
    assert n4["status"] == "draft" and n4["property_id"] == world["property"]["id"]
    c1, c2 = world["c1"], world["c2"]
    periods = [(p["from"], p["charged"], p["paid"], p["owing"]) for p in n4["details"]["periods"]]
    assert periods == [(c1.isoformat(), "1500.00", "500.00", "1000.00"), (c2.isoformat(), "1500.00", "0.00", "1500.00")]
    assert n4["details"]["periods"][0]["to"] == (c2 - timedelta(days=1)).isoformat() or c1.day != c2.day
    assert n4["details"]["total"] == "2500.00"
    n1 = ok(post(token, "/v1/notices", {"type": "n1", "tenancy_id": tid, "effective_on": "2027-06-01",
                                        "details": {"new_rent": "1530.00"}}), 201)
    assert n1["details"]["current_rent"] == "1500.00" and n1["details"]["increase_pct"] == "2.00"
    assert n1["details"]["guideline_pct"] == "2.5" and n1["details"]["new_rent"] == "1530.00"
    assert {r["kind"] for r in n1["reminders"]} >= {"serve_by_hand", "serve_by_mail", "increase_date"}
    bad = ok(post(token, "/v1/notices", {"type": "n1", "tenancy_id": tid, "details": {}}), 422)["error"]
    assert bad["details"][0]["field"] == "details.new_rent"
    assert ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid, "details": {"new_rent": "1.00"}}),
              422)["error"]["details"][0]["field"] == "details.new_rent"
    n11 = ok(post(token, "/v1/notices", {"type": "n11", "tenancy_id": tid,
                                         "details": {"tenant_signed_on": "2026-11-01"}}), 201)
    assert n11["details"] == {"tenant_signed_on": "2026-11-01"}
    # PATCH recomputes; the N1's reminders follow a new date (the old pending ones cancelled).
    moved = ok(call("PATCH", f"/v1/notices/{n1['id']}", token=token, json_body={"effective_on": "2027-07-01"}))
    assert moved["effective_on"] == "2027-07-01"
    pending = {r["due_on"] for r in moved["reminders"] if r["status"] == "pending"}
    assert "2027-07-01" in pending and "2027-06-01" not in pending
    assert ok(call("PATCH", f"/v1/notices/{n1['id']}", token=token, json_body={}), 422)
    # Lists filter by type and tenancy; get; delete a draft.
    listed = ok(call("GET", "/v1/notices", token=token, query={"type": "n4"}))
    assert [n["id"] for n in listed["items"]] == [n4["id"]]
    by_property = ok(call("GET", "/v1/notices", token=token, query={"property_id": world["property"]["id"]}))
    assert len(by_property["items"]) == 3
    ok(call("DELETE", f"/v1/notices/{n11['id']}", token=token), 204)
    assert ok(call("GET", f"/v1/notices/{n11['id']}", token=token), 404)["error"]["code"] == "NOT_FOUND"
    # Once served: PATCH and DELETE are 409.
    m = world["m"]
    ok(post(token, f"/v1/notices/{n4['id']}/serve", {"served_on": m.isoformat(), "service_method": "hand"}))
    assert ok(call("PATCH", f"/v1/notices/{n4['id']}", token=token, json_body={"effective_on": "2030-01-01"}),
              409)["error"]["code"] == "CONFLICT"
    assert ok(call("DELETE", f"/v1/notices/{n4['id']}", token=token), 409)


def test_serve_rechecks_rules_and_stores_reminders(world: dict[str, Any]) -> None:
    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    earliest = m + timedelta(days=19)  # mail: deemed m + 5 (a Saturday), then 14 days
    early = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid,
                                           "effective_on": (earliest - timedelta(days=1)).isoformat()}), 201)
    refused = ok(post(token, f"/v1/notices/{early['id']}/serve",
                      {"served_on": m.isoformat(), "service_method": "mail"}), 422)["error"]
    assert refused["code"] == "NOTICE_RULE_FAILED"
    assert refused["details"][0]["field"] == "n4.termination_period" and "s.59" in refused["details"][0]["message"]
    assert ok(call("GET", f"/v1/notices/{early['id']}", token=token))["status"] == "draft"
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid, "effective_on": earliest.isoformat()}),
                201)
    served = ok(post(token, f"/v1/notices/{notice['id']}/serve",
                     {"served_on": m.isoformat(), "service_method": "mail"}))
    assert served["status"] == "served" and served["deemed_served_on"] == (m + timedelta(days=5)).isoformat()
    assert all(c["ok"] for c in served["checks"]) and served["details"]["total"] == "2500.00"
    l1 = earliest + timedelta(days=23)
    assert [(r["kind"], r["due_on"], r["status"]) for r in served["reminders"] if r["kind"] == "l1_window"] == [
        ("l1_window", l1.isoformat(), "pending")]
    assert ok(post(token, f"/v1/notices/{notice['id']}/serve",
                   {"served_on": m.isoformat(), "service_method": "mail"}), 409)
    centre = ok(call("GET", "/v1/reminders", token=token, query={"status": "pending"}))
    assert [r["notice_id"] for r in centre["items"]] == [notice["id"]] * len(centre["items"])
    assert ok(call("GET", "/v1/reminders", token=token,
                   query={"status": "pending", "due_before": l1.isoformat()}))["items"] == [
        r for r in centre["items"] if r["due_on"] < l1.isoformat()]
    # Void cancels the pending reminders; a void notice cannot be completed.
    voided = ok(post(token, f"/v1/notices/{notice['id']}/void", {"reason": "Served the wrong unit"}))
    assert voided["status"] == "void" and voided["void_reason"] == "Served the wrong unit"
    assert {r["status"] for r in voided["reminders"]} == {"cancelled"}
    assert ok(post(token, f"/v1/notices/{notice['id']}/complete", {}), 409)
    assert ok(call("GET", "/v1/reminders", token=token, query={"status": "pending"}))["items"] == []


def test_complete_cancels_reminders(world: dict[str, Any]) -> None:
    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid}), 201)
    assert ok(post(token, f"/v1/notices/{notice['id']}/complete", {}), 409)  # a draft is not completed
    served = ok(post(token, f"/v1/notices/{notice['id']}/serve",
                     {"served_on": m.isoformat(), "service_method": "hand"}))
    assert served["effective_on"] == (m + timedelta(days=14)).isoformat()  # none given: the earliest
    done = ok(post(token, f"/v1/notices/{notice['id']}/complete", {"note": "L1 filed"}))
    assert done["status"] == "completed" and done["note"] == "L1 filed"
    assert {r["status"] for r in done["reminders"]} <= {"cancelled"}


def test_scope_and_roles(world: dict[str, Any]) -> None:
    token, cid = world["token"], world["community_id"]
    draft = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": world["tenancy"]["id"]}), 201)
    other = new_property(token, "Elsewhere")
    manager_id, manager = member(cid, Role.MANAGER)
    ok(call("PUT", f"/v1/users/{manager_id}/properties", token=token, json_body={"property_ids": [other["id"]]}))
    assert ok(call("GET", f"/v1/notices/{draft['id']}", token=manager), 404)["error"]["code"] == "NOT_FOUND"
    assert ok(call("GET", "/v1/notices", token=manager))["items"] == []
    assert ok(post(manager, "/v1/notices", {"type": "n4", "tenancy_id": world["tenancy"]["id"]}), 422)
    assert ok(post(manager, f"/v1/notices/{draft['id']}/void", {"reason": "x"}), 404)
    assert ok(call("GET", "/v1/reminders", token=manager))["items"] == []
    _, board = member(cid, Role.BOARD)
    assert ok(call("GET", f"/v1/notices/{draft['id']}", token=board))["id"] == draft["id"]
    assert ok(call("PATCH", f"/v1/notices/{draft['id']}", token=board, json_body={"effective_on": "2030-01-01"}),
              403)
    _, tenant = member(cid, Role.TENANT)
    assert ok(call("GET", f"/v1/notices/{draft['id']}", token=tenant), 404)
    assert ok(call("GET", "/v1/notices", token=tenant))["items"] == []
    assert ok(call("GET", "/v1/reminders", token=tenant), 403)
    _, owner = member(cid, Role.PROPERTY_OWNER)
    assert ok(call("GET", "/v1/notices", token=owner), 403)
    # Another community's notice is 404 too.
    stranger = signup("Elm Court", "eve@example.com")["access_token"]
    assert ok(call("GET", f"/v1/notices/{draft['id']}", token=stranger), 404)


def pdf_text(answer: Any) -> str:
    import base64
    import io

    from pypdf import PdfReader

    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(base64.b64decode(answer.body)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_document_pdf_has_particulars_and_certificate_once_served(world: dict[str, Any]) -> None:
    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid}), 201)
    draft = pdf_text(call("GET", f"/v1/notices/{notice['id']}/document.pdf", token=token))
    assert "Ann Tenant" in draft and "2,500.00" in draft.replace("2500.00", "2,500.00")
    assert "Certificate of Service" not in draft
    ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(), "service_method": "mail"}))
    served = pdf_text(call("GET", f"/v1/notices/{notice['id']}/document.pdf", token=token))
    assert "Certificate of Service" in served and (m + timedelta(days=5)).isoformat() in served
    assert "Ann Admin" in served  # served by
    stranger = signup("Elm Court", "eve@example.com")["access_token"]
    assert ok(call("GET", f"/v1/notices/{notice['id']}/document.pdf", token=stranger), 404)


def test_rent_increase_plan(world: dict[str, Any]) -> None:
    token, today = world["token"], world["today"]
    plan = ok(call("GET", "/v1/tenancies/rent-increase-plan", token=token))["items"]
    assert len(plan) == 1
    row = plan[0]
    next_on = today + timedelta(days=90)  # started over a year ago: 90 days from an N1 handed over today
    assert row["tenancy_id"] == world["tenancy"]["id"] and row["next_eligible_on"] == next_on.isoformat()
    pct = {2026: "2.1"}.get(next_on.year, "2.5")
    assert row["guideline_pct"] == pct and row["exempt"] is False
    assert row["max_rent"] == f"{1500 * (1 + float(pct) / 100):.2f}"
    assert row["serve_by"] == {"hand": today.isoformat(), "mail": None}
    assert ok(call("GET", f"/v1/tenancies/{world['tenancy']['id']}", token=token))["id"] == world["tenancy"]["id"]
    _, tenant = member(world["community_id"], Role.TENANT)
    assert ok(call("GET", "/v1/tenancies/rent-increase-plan", token=tenant), 403)
    manager_id, manager = member(world["community_id"], Role.MANAGER)
    other = new_property(token, "Elsewhere")
    ok(call("PUT", f"/v1/users/{manager_id}/properties", token=token, json_body={"property_ids": [other["id"]]}))
    assert ok(call("GET", "/v1/tenancies/rent-increase-plan", token=manager))["items"] == []


def test_documents_link_in_any_status(world: dict[str, Any]) -> None:
    from tests.integration.test_assets_api import announced

    token, m = world["token"], world["m"]
    created = announced(token, filename="n4-signed.pdf")
    asset_id = created["id"] if "id" in created else created["asset"]["id"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": world["tenancy"]["id"]}), 201)
    assert ok(call("PATCH", f"/v1/notices/{notice['id']}", token=token, json_body={"documents": ["nope"]}),
              422)["error"]["details"][0]["field"] == "documents.0"
    patched = ok(call("PATCH", f"/v1/notices/{notice['id']}", token=token, json_body={"documents": [asset_id]}))
    assert patched["documents"] == [asset_id]
    ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(), "service_method": "hand"}))
    assert ok(post(token, f"/v1/notices/{notice['id']}/documents", {"asset_id": "nope"}), 422)["error"]["details"][
        0]["field"] == "asset_id"
    again = ok(post(token, f"/v1/notices/{notice['id']}/documents", {"asset_id": asset_id}))
    assert again["documents"] == [asset_id] and again["status"] == "served"
    second = announced(token, filename="certificate.pdf")
    second_id = second["id"] if "id" in second else second["asset"]["id"]
    both = ok(post(token, f"/v1/notices/{notice['id']}/documents", {"asset_id": second_id}))
    assert both["documents"] == [asset_id, second_id]


def tenant_of(community_id: str, resident_id: str) -> str:
    """An access token of a portal user linked to `resident_id` (a party of the tenancy)."""
    from shared.identity import repository as identity_repository
    from shared.identity import service as identity_service
    from shared.identity.models import User
    from shared.identity.service import RequestMeta
    from shared.platform import clock, ids

    now = clock.iso()
    user = User(id=ids.new_id(), community_id=community_id, email=f"{ids.new_id().lower()}@example.com",
                full_name="Ann", role=Role.TENANT, status="active", password_hash="x", email_verified=True,
                mfa_enabled=False, created_at=now, updated_at=now, resident_id=resident_id)
    identity_repository.create_user(user)
    return identity_service.start_session(user, None, RequestMeta()).access_token


def test_the_tenant_of_one_tenancy_sees_its_served_notice_and_never_its_draft(world: dict[str, Any]) -> None:
    """One tenancy with a draft N1 and a served N4: its own tenant lists, reads and downloads the served one
    only; the draft is 404 to her exactly as another community's notice is."""
    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    served = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid}), 201)
    ok(post(token, f"/v1/notices/{served['id']}/serve", {"served_on": m.isoformat(), "service_method": "hand"}))
    draft = ok(post(token, "/v1/notices", {"type": "n1", "tenancy_id": tid, "effective_on": "2027-06-01",
                                           "details": {"new_rent": "1530.00"}}), 201)
    staff_view = ok(call("GET", "/v1/notices", token=token, query={"tenancy_id": tid}))["items"]
    assert {n["id"] for n in staff_view} == {served["id"], draft["id"]}
    ann = world["tenancy"]["parties"][0]["resident_id"]
    tenant = tenant_of(world["community_id"], ann)
    listed = ok(call("GET", "/v1/notices", token=tenant))["items"]
    assert [(n["id"], n["status"]) for n in listed] == [(served["id"], "served")]
    assert ok(call("GET", "/v1/notices", token=tenant, query={"tenancy_id": tid}))["items"] == listed
    assert ok(call("GET", f"/v1/notices/{served['id']}", token=tenant))["id"] == served["id"]
    assert ok(call("GET", f"/v1/notices/{draft['id']}", token=tenant), 404)["error"]["code"] == "NOT_FOUND"
    assert call("GET", f"/v1/notices/{served['id']}/document.pdf", token=tenant).status == 200
    assert ok(call("GET", f"/v1/notices/{draft['id']}/document.pdf", token=tenant), 404)
    # Another tenant of the same community sees neither.
    other = tenant_of(world["community_id"], new_resident(token, "Bo")["id"])
    assert ok(call("GET", "/v1/notices", token=other))["items"] == []
    assert ok(call("GET", f"/v1/notices/{served['id']}", token=other), 404)


def test_rent_increase_plan_pages_soonest_first(world: dict[str, Any]) -> None:
    token = world["token"]
    start = (world["today"] - timedelta(days=800)).isoformat()
    for label in ("102", "103", "104"):
        unit = new_unit(token, world["property"]["id"], label)
        new_tenancy(token, unit["id"], [new_resident(token, f"T{label}")["id"]], start)
    whole = ok(call("GET", "/v1/tenancies/rent-increase-plan", token=token))
    assert len(whole["items"]) == 4 and whole["next_cursor"] is None
    order = [(r["next_eligible_on"], r["tenancy_id"]) for r in whole["items"]]
    assert order == sorted(order)
    seen: list[str] = []
    after = None
    while True:
        page = ok(call("GET", "/v1/tenancies/rent-increase-plan", token=token,
                       query={"limit": "3"} | ({"cursor": after} if after else {})))
        seen += [r["tenancy_id"] for r in page["items"]]
        after = page["next_cursor"]
        if after is None:
            break
    assert seen == [r["tenancy_id"] for r in whole["items"]]
    units = ok(call("GET", f"/v1/properties/{world['property']['id']}/units", token=token,
                    query={"limit": "1"}))["next_cursor"]
    assert ok(call("GET", "/v1/tenancies/rent-increase-plan", token=token, query={"cursor": units}),
              400)["error"]["code"] == "INVALID_CURSOR"
