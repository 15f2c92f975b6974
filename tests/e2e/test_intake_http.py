"""Issue 15 over HTTP against the local runtime: intake form versions, public applications, their conversion
into a tenant resident and a tenancy, onboarding."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Api, signup_ready, wait_for

pytestmark = pytest.mark.e2e

V2 = {
    "type": "object",
    "required": ["full_name", "phone", "move_in_on"],
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "phone": {"type": "string", "format": "phone"},
        "move_in_on": {"type": "string", "format": "date"},
    },
}
V1_ANSWERS = {
    "personal": {"first_name": "Bea", "last_name": "Tenant", "date_of_birth": "1990-04-01",
                 "email": "bea@example.com", "phone": "+14165550123"},
    "current_address": {"address": {"line1": "1 King St W", "city": "Toronto", "province": "ON",
                                    "postal_code": "M5H 1A1"}, "moved_in_on": "2020-01-01", "monthly_rent": "1800.00"},
    "employment": {"status": "student", "monthly_income": "900.00"},
    "credit_check_consent": True,
}
V2_ANSWERS = {"full_name": "Cy Renter", "phone": "+14165550188", "move_in_on": "2027-03-01"}


def nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels - 1):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


REFUSED = [
    ({"type": "object", "properties": {"x": {"$ref": "https://evil.example/x.json"}}}, "/schema/properties/x/$ref"),
    ({"type": "object", "properties": {"x": {"type": "string", "pattern": "a" * 500}}}, "/schema/properties/x/pattern"),
    ({"type": "object", "properties": {"x": {"type": "string", "uniqueItems": True}}},
     "/schema/properties/x/uniqueItems"),
    (nested(12), "/schema" + "/properties/a" * 8),
]


def test_form_versions_applications_mail_and_limits(api: Api) -> None:
    admin = signup_ready(api, f"Rentals {uuid.uuid4().hex[:6]}")
    token, slug = admin["access_token"], admin["community"]["slug"]
    for schema, pointer in REFUSED:
        refused = api.put("/v1/intake-form", token=token, json={"schema": schema})
        assert refused.status_code == 422, refused.text
        assert pointer in [d["field"] for d in refused.json()["error"]["details"]], refused.text
    saved = api.put("/v1/intake-form", token=token, json={"schema": V2, "ui_schema": {"ui:order": ["full_name", "*"]}})
    assert saved.status_code == 200 and saved.json()["version"] == 2, saved.text
    public = api.get(f"/v1/public/{slug}/intake-form").json()
    assert public["version"] == 2 and public["schema"] == V2

    bea = f"bea+{uuid.uuid4().hex[:6]}@example.com"
    on_v1 = api.post(f"/v1/public/{slug}/applications", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
        "form_version": 1, "answers": V1_ANSWERS, "applicant": {"full_name": "Bea Tenant", "email": bea}})
    assert on_v1.status_code == 201 and on_v1.json()["status"] == "submitted", on_v1.text
    on_v2 = api.post(f"/v1/public/{slug}/applications", json={
        "form_version": 2, "answers": V1_ANSWERS, "applicant": {"full_name": "Bea Tenant", "email": bea}})
    assert on_v2.status_code == 422
    assert "/answers/move_in_on" in [d["field"] for d in on_v2.json()["error"]["details"]]
    cy = f"cy+{uuid.uuid4().hex[:6]}@example.com"
    assert api.post(f"/v1/public/{slug}/applications", json={
        "form_version": 2, "answers": V2_ANSWERS, "applicant": {"full_name": "Cy Renter", "email": cy}}
    ).status_code == 201

    def confirmation() -> Any:
        mails = api.get("/_dev/mailbox").json()["items"]
        return next((m for m in mails if bea in (m["to"] or "") and "rental application" in m["subject"]), None)

    mail = wait_for(confirmation)
    assert on_v1.json()["id"] in mail["text"]
    listed = api.get("/v1/applications", token=token).json()["items"]
    assert [(a["form_version"], a["applicant"]["full_name"]) for a in listed] == [(2, "Cy Renter"), (1, "Bea Tenant")]
    detail = api.get(f"/v1/applications/{on_v1.json()['id']}", token=token).json()
    assert detail["answers"] == V1_ANSWERS and detail["form_version"] == 1
    reviewed = api.patch(f"/v1/applications/{detail['id']}", token=token, json={"status": "approved"})
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "approved"

    # Convert: the applicant becomes a tenant resident and the lead party of a tenancy on the unit.
    prop = api.post("/v1/properties", token=token, json={"name": "Maple House", "kind": "rental", "address": {
        "line1": "12 River St", "city": "Toronto", "province": "ON", "postal_code": "M5V 2T6", "country": "CA"}})
    assert prop.status_code == 201, prop.text
    unit = api.post(f"/v1/properties/{prop.json()['id']}/units", token=token, json={"label": "101"})
    assert unit.status_code == 201, unit.text
    terms = {"unit_id": unit.json()["id"], "start_on": "2027-02-01", "rent": "1850.00", "rent_period": "monthly",
             "rent_due_day": 1}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    converted = api.post(f"/v1/applications/{detail['id']}/convert", token=token, headers=key, json=terms)
    assert converted.status_code == 201, converted.text
    tenancy = converted.json()
    assert api.post(f"/v1/applications/{detail['id']}/convert", token=token, headers=key, json=terms
                    ).json() == tenancy  # a retried request replays
    assert api.post(f"/v1/applications/{detail['id']}/convert", token=token, json=terms).status_code == 409
    [party] = tenancy["parties"]
    resident = api.get(f"/v1/residents/{party['resident_id']}", token=token)
    assert resident.status_code == 200 and party["lead"] is True, resident.text
    assert (resident.json()["role"], resident.json()["email"]) == ("tenant", bea)
    stored = api.get(f"/v1/tenancies/{tenancy['id']}", token=token)
    assert stored.status_code == 200 and stored.json()["unit_id"] == unit.json()["id"], stored.text
    assert (stored.json()["rent"], stored.json()["start_on"]) == ("1850.00", "2027-02-01")
    after = api.get(f"/v1/applications/{detail['id']}", token=token).json()
    assert (after["status"], after["tenancy_id"], after["resident_id"]) == (
        "converted", tenancy["id"], party["resident_id"])

    # An anonymous client sending again and again for one address: refused once over the limit.
    limited = None
    for _ in range(400):
        answer = api.post(f"/v1/public/{slug}/applications", json={
            "form_version": 1, "answers": {}, "applicant": {"full_name": "Spam", "email": "spam@example.com"}})
        if answer.status_code != 422:
            limited = answer
            break
    assert limited is not None and limited.status_code == 429, limited and limited.text
    assert limited.json()["error"]["code"] == "RATE_LIMITED"


def test_onboarding_progress_follows_real_writes_and_survives_a_new_login(api: Api) -> None:
    admin = signup_ready(api, f"Onboard {uuid.uuid4().hex[:6]}")
    token = admin["access_token"]
    fresh = api.get("/v1/onboarding", token=token).json()
    assert [s["status"] for s in fresh["steps"]] == ["todo"] * 8 and fresh["completed"] is False
    invited = api.post("/v1/users/invitations", token=token,
                       json={"email": f"board+{uuid.uuid4().hex[:6]}@example.com", "role": "board"})
    assert invited.status_code == 201, invited.text
    created = api.post("/v1/residents", token=token, json={"first_name": "Al", "last_name": "Li", "role": "owner"})
    assert created.status_code == 201, created.text
    prop = api.post("/v1/properties", token=token, json={"name": "Birch House", "kind": "rental", "address": {
        "line1": "3 Birch Ave", "city": "Toronto", "province": "ON", "postal_code": "M4V 1H1", "country": "CA"}})
    assert prop.status_code == 201, prop.text
    steps = {s["key"]: s["status"] for s in api.get("/v1/onboarding", token=token).json()["steps"]}
    assert steps["invite_board"] == "done" and steps["residents"] == "done" and steps["first_property"] == "done"
    for key in [k for k, v in steps.items() if v == "todo"]:
        answer = api.patch(f"/v1/onboarding/steps/{key}", token=token, json={"status": "skipped"})
        assert answer.status_code == 200, answer.text
    assert api.get("/v1/onboarding", token=token).json()["completed"] is True
    # A new login (password, then a backup code: the TOTP step of enrollment may still be the current one).
    first = api.post("/v1/auth/login", json={"community": admin["community"]["slug"], "email": admin["email"],
                                             "password": "correct horse battery"})
    assert first.status_code == 200 and first.json()["mfa_required"] is True, first.text
    again = api.post("/v1/auth/mfa/verify", json={"mfa_token": first.json()["mfa_token"],
                                                  "backup_code": admin["backup_codes"][0]})
    assert again.status_code == 200, again.text
    after = api.get("/v1/onboarding", token=again.json()["access_token"]).json()
    assert after["completed"] is True
    assert {s["key"]: s["status"] for s in after["steps"]} == {**steps, **{k: "skipped" for k, v in steps.items()
                                                                          if v == "todo"}}
