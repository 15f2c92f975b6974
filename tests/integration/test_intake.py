"""Issue 15 on moto: intake form versions, public applications, review and conversion."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.intake import applications, default_form, forms
from shared.intake.schemas import ApplicationConvert
from shared.intake.tenancies import TenancyDraft
from shared.messaging import repository as messages
from shared.platform import ids, ratelimit
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

V2 = {
    "type": "object",
    "required": ["full_name", "phone", "move_in_on"],
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "phone": {"type": "string", "format": "phone"},
        "move_in_on": {"type": "string", "format": "date"},
        "household": {"type": "integer", "minimum": 1, "maximum": 8},
    },
}
V2_ANSWERS = {"full_name": "Bea Tenant", "phone": "+14165550123", "move_in_on": "2027-02-01", "household": 2}
V1_ANSWERS = {
    "personal": {"first_name": "Bea", "last_name": "Tenant", "date_of_birth": "1990-04-01",
                 "email": "bea@example.com", "phone": "+14165550123"},
    "current_address": {"address": {"line1": "1 King St W", "city": "Toronto", "province": "ON",
                                    "postal_code": "M5H 1A1"}, "moved_in_on": "2020-01-01", "monthly_rent": "1800.00"},
    "employment": {"status": "employed", "employer": "Acme", "monthly_income": "6500.00"},
    "pets": [{"kind": "cat"}],
    "credit_check_consent": True,
}
APPLICANT = {"full_name": "Bea Tenant", "email": "Bea@Example.com", "phone": "+1 416 555 0123"}


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup("Maple Rentals", "ann@example.com")


def apply(slug: str, version: int, answers: Any, applicant: Mapping[str, Any] = APPLICANT,
          **headers: str) -> Any:
    return call("POST", f"/v1/public/{slug}/applications", headers=headers,
                json_body={"form_version": version, "answers": answers, "applicant": dict(applicant)})


def outbox(community_id: str) -> list[Any]:
    return messages.list_all(community_id, limit=200, after=None)[0]


def test_a_new_community_starts_on_the_default_form_as_version_1(admin: dict[str, Any]) -> None:
    staff = call("GET", "/v1/intake-form", token=admin["access_token"])
    assert staff.status == 200, staff.body
    assert staff.body["version"] == 1 and staff.body["schema"] == default_form.SCHEMA
    assert staff.body["ui_schema"] == default_form.UI_SCHEMA and staff.body["updated_by"] is None
    public = call("GET", f"/v1/public/{admin['community']['slug']}/intake-form")
    assert public.status == 200 and public.body == {"version": 1, "schema": default_form.SCHEMA,
                                                    "ui_schema": default_form.UI_SCHEMA}
    assert call("GET", "/v1/public/no-such-community/intake-form").status == 404


REFUSALS = [
    ({"x": {"$ref": "https://evil.example/schema.json"}}, "/schema/properties/x/$ref"),
    ({"x": {"type": "string", "pattern": "a" * 500}}, "/schema/properties/x/pattern"),
    ({"x": {"type": "string", "widget": "stars"}}, "/schema/properties/x/widget"),
]


@pytest.mark.parametrize(("properties", "field"), REFUSALS)
def test_a_schema_outside_the_profile_is_refused_at_its_pointer(admin: dict[str, Any], properties: dict[str, Any],
                                                                field: str) -> None:
    answer = call("PUT", "/v1/intake-form", token=admin["access_token"],
                  json_body={"schema": {"type": "object", "properties": properties}})
    assert answer.status == 422 and answer.body["error"]["code"] == "VALIDATION_FAILED", answer.body
    assert field in [d["field"] for d in answer.body["error"]["details"]]
    assert call("GET", "/v1/intake-form", token=admin["access_token"]).body["version"] == 1


def test_versions_are_kept_and_each_application_is_checked_against_its_own(admin: dict[str, Any]) -> None:
    token, slug, cid = admin["access_token"], admin["community"]["slug"], admin["community"]["id"]
    saved = call("PUT", "/v1/intake-form", token=token, json_body={"schema": V2, "ui_schema": {"ui:order": ["*"]}})
    assert saved.status == 200 and saved.body["version"] == 2, saved.body
    assert saved.body["updated_by"] == admin["user"]["id"]
    assert call("GET", "/v1/intake-form/versions/1", token=token).body["schema"] == default_form.SCHEMA
    assert call("GET", "/v1/intake-form/versions/2", token=token).body["schema"] == V2
    assert call("GET", "/v1/intake-form/versions/3", token=token).status == 404

    on_v1 = apply(slug, 1, V1_ANSWERS)
    assert on_v1.status == 201 and on_v1.body["status"] == "submitted", on_v1.body
    refused = apply(slug, 2, V1_ANSWERS)  # valid only under version 1
    assert refused.status == 422
    fields = {d["field"] for d in refused.body["error"]["details"]}
    assert {"/answers/full_name", "/answers/phone", "/answers/move_in_on"} <= fields
    bad_phone = apply(slug, 2, {**V2_ANSWERS, "phone": "416-555-0123"},
                      {**APPLICANT, "email": "cy@example.com"})
    assert bad_phone.status == 422
    assert bad_phone.body["error"]["details"] == [
        {"field": "/answers/phone", "message": "must be a phone number in E.164 form, e.g. +14165550123"}]
    on_v2 = apply(slug, 2, V2_ANSWERS, {**APPLICANT, "email": "di@example.com"})
    assert on_v2.status == 201, on_v2.body
    unknown = apply(slug, 3, V2_ANSWERS, {**APPLICANT, "email": "di@example.com"})
    assert unknown.status == 422 and unknown.body["error"]["details"][0]["field"] == "form_version"

    stored = call("GET", f"/v1/applications/{on_v1.body['id']}", token=token).body
    assert stored["form_version"] == 1 and stored["answers"] == V1_ANSWERS
    assert stored["applicant"] == {"full_name": "Bea Tenant", "email": "bea@example.com", "phone": "+14165550123"}
    mail = outbox(cid)
    confirmations = [m for m in mail if m.to == "bea@example.com"]
    assert len(confirmations) == 1 and "We received your rental application" in (confirmations[0].subject or "")
    assert on_v1.body["id"] in confirmations[0].text
    notices = [m for m in mail if m.to == "ann@example.com" and "New rental application" in (m.subject or "")]
    assert len(notices) == 2


def test_review_lists_filters_and_changes_status(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, slug = admin["access_token"], admin["community"]["slug"]
    first = apply(slug, 1, V1_ANSWERS).body["id"]
    second = apply(slug, 1, V1_ANSWERS, {**APPLICANT, "email": "eve@example.com"}).body["id"]
    listed = call("GET", "/v1/applications", token=token).body
    assert [a["id"] for a in listed["items"]] == [second, first] and "answers" not in listed["items"][0]
    changed = call("PATCH", f"/v1/applications/{first}", token=token,
                   json_body={"status": "approved", "note": "References checked"})
    assert changed.status == 200 and changed.body["status"] == "approved", changed.body
    assert changed.body["note"] == "References checked" and changed.body["reviewed_by"] == admin["user"]["id"]
    changes = [e for e in audit_events(aws_env) if e.action == "application.status_changed"]
    assert [(e.target, e.actor_id, e.detail["from"], e.detail["to"]) for e in changes] == [
        (f"application:{first}", admin["user"]["id"], "submitted", "approved")]
    approved = call("GET", "/v1/applications", token=token, query={"status": "approved"}).body
    assert [a["id"] for a in approved["items"]] == [first]
    submitted = call("GET", "/v1/applications", token=token, query={"status": "submitted"}).body
    assert [a["id"] for a in submitted["items"]] == [second]
    page = call("GET", "/v1/applications", token=token, query={"limit": "1"}).body
    rest = call("GET", "/v1/applications", token=token, query={"limit": "1", "cursor": page["next_cursor"]}).body
    assert [a["id"] for a in page["items"] + rest["items"]] == [second, first]
    assert call("PATCH", f"/v1/applications/{first}", token=token,
                json_body={"status": "converted"}).status == 422
    assert call("GET", f"/v1/applications/{ids.new_id()}", token=token).status == 404
    other = signup("Other Co", "otto@example.com")
    assert call("GET", f"/v1/applications/{first}", token=other["access_token"]).status == 404


class FakeTenancies:
    """Stands in for the properties domain's tenancies (the real adapter: test_intake_convert): records
    drafts, and what was checked before the resident was made."""

    def __init__(self) -> None:
        self.drafts: list[TenancyDraft] = []
        self.checked: list[tuple[str, str | None]] = []

    def check(self, caller: Caller, unit_id: str, start_on: date, lead_id: str | None) -> Mapping[str, Any] | None:
        self.checked.append((unit_id, lead_id))
        return None

    def __call__(self, caller: Caller, draft: TenancyDraft, meta: RequestMeta) -> Mapping[str, Any]:
        self.drafts.append(draft)
        return {"id": ids.new_id(), "unit_id": draft.unit_id, "parties": draft.parties()}


def _caller(admin: dict[str, Any]) -> Caller:
    return Caller(user_id=admin["user"]["id"], community_id=admin["community"]["id"], role=Role.ADMIN,
                  session_id="s")


CONVERT = ApplicationConvert(unit_id="U1", start_on="2027-02-01", rent="1850.00", rent_period="monthly",
                             rent_due_day=1)


def test_convert_makes_a_tenant_resident_once_and_hands_the_tenancy_to_properties(admin: dict[str, Any]) -> None:
    token, slug = admin["access_token"], admin["community"]["slug"]
    app_id = apply(slug, 1, V1_ANSWERS).body["id"]
    caller, meta, tenancies = _caller(admin), RequestMeta(ip="203.0.113.9"), FakeTenancies()
    with pytest.raises(Conflict):  # not approved yet
        applications.convert(caller, app_id, CONVERT, meta, tenancies)
    call("PATCH", f"/v1/applications/{app_id}", token=token, json_body={"status": "approved"})
    tenancy = applications.convert(caller, app_id, CONVERT, meta, tenancies)
    draft = tenancies.drafts[0]
    resident = call("GET", f"/v1/residents/{draft.resident_id}", token=token).body
    assert resident["role"] == "tenant" and resident["email"] == "bea@example.com"
    assert (resident["first_name"], resident["last_name"], resident["phone"]) == ("Bea", "Tenant", "+14165550123")
    assert tenancy["parties"] == [{"resident_id": draft.resident_id, "lead": True}]
    assert (draft.unit_id, str(draft.rent), draft.rent_period) == ("U1", "1850.00", "monthly")
    converted = call("GET", f"/v1/applications/{app_id}", token=token).body
    assert converted["status"] == "converted" and converted["tenancy_id"] == tenancy["id"]
    assert converted["resident_id"] == draft.resident_id
    with pytest.raises(Conflict):
        applications.convert(caller, app_id, CONVERT, meta, tenancies)
    assert call("PATCH", f"/v1/applications/{app_id}", token=token, json_body={"status": "declined"}).status == 409

    again = apply(slug, 1, V1_ANSWERS, {**APPLICANT, "full_name": "Bea T."}).body["id"]
    call("PATCH", f"/v1/applications/{again}", token=token, json_body={"status": "approved"})
    applications.convert(caller, again, CONVERT, meta, tenancies)
    assert tenancies.drafts[1].resident_id == draft.resident_id  # the same email: the same resident
    assert tenancies.checked == [("U1", None), ("U1", draft.resident_id)]  # checked before any resident is made
    residents = call("GET", "/v1/residents", token=token).body["items"]
    assert [r["email"] for r in residents] == ["bea@example.com"]


def test_a_phone_held_by_another_resident_does_not_block_the_conversion(admin: dict[str, Any]) -> None:
    token, slug = admin["access_token"], admin["community"]["slug"]
    taken = call("POST", "/v1/residents", token=token, json_body={
        "first_name": "Cy", "last_name": "Owner", "role": "owner", "phone": "+14165550123"})
    assert taken.status == 201, taken.body
    app_id = apply(slug, 1, V1_ANSWERS).body["id"]
    call("PATCH", f"/v1/applications/{app_id}", token=token, json_body={"status": "approved"})
    tenancies = FakeTenancies()
    applications.convert(_caller(admin), app_id, CONVERT, RequestMeta(), tenancies)
    resident = call("GET", f"/v1/residents/{tenancies.drafts[0].resident_id}", token=token).body
    assert resident["email"] == "bea@example.com" and resident.get("phone") is None


@pytest.mark.usefixtures("fresh_rate_windows")
def test_limits_per_address_and_per_ip(admin: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    slug = admin["community"]["slug"]
    for _ in range(applications.APPLY_PER_ADDRESS.limit):
        assert apply(slug, 1, {}).status == 422  # attempts count, valid or not
    limited = apply(slug, 1, V1_ANSWERS)
    assert limited.status == 429 and limited.body["error"]["code"] == "RATE_LIMITED"
    assert apply(slug, 1, V1_ANSWERS, {**APPLICANT, "email": "other@example.com"}).status == 201
    monkeypatch.setattr(applications, "APPLY_PER_IP", ratelimit.Rule("apply-ip-test", 2, 3600))
    assert apply(slug, 1, V1_ANSWERS, {**APPLICANT, "email": "p1@example.com"}).status == 201
    assert apply(slug, 1, V1_ANSWERS, {**APPLICANT, "email": "p2@example.com"}).status == 201
    assert apply(slug, 1, V1_ANSWERS, {**APPLICANT, "email": "p3@example.com"}).status == 429


def test_the_same_idempotency_key_submits_once(admin: dict[str, Any]) -> None:
    slug, cid = admin["community"]["slug"], admin["community"]["id"]
    first = apply(slug, 1, V1_ANSWERS, **{"Idempotency-Key": "apply-1"})
    second = apply(slug, 1, V1_ANSWERS, **{"Idempotency-Key": "apply-1"})
    assert first.status == second.status == 201 and first.body == second.body
    assert len([m for m in outbox(cid) if m.to == "bea@example.com"]) == 1
    other = apply(slug, 1, {**V1_ANSWERS, "pets": []}, **{"Idempotency-Key": "apply-1"})
    assert other.status == 409 and other.body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_answers_nested_or_sized_beyond_the_bounds(admin: dict[str, Any]) -> None:
    slug = admin["community"]["slug"]
    deep: Any = "x"
    for _ in range(applications.MAX_ANSWERS_DEPTH + 5):
        deep = {"a": deep}
    answer = apply(slug, 1, deep)
    assert answer.status == 422 and answer.body["error"]["details"][0]["field"].startswith("/answers/a/a")
    huge = apply(slug, 1, {"notes": "x" * (applications.MAX_ANSWERS_BYTES + 1)},
                 {**APPLICANT, "email": "big@example.com"})
    assert huge.status == 413 and huge.body["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_the_validator_of_a_version_is_compiled_once(admin: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[int] = []
    real = forms.answers.compile
    monkeypatch.setattr(forms.answers, "compile", lambda schema: compiled.append(1) or real(schema))
    slug = admin["community"]["slug"]
    for n in range(3):
        apply(slug, 1, V1_ANSWERS, {**APPLICANT, "email": f"c{n}@example.com"})
    assert compiled == [1]


# Hypothesis-made bodies: odd types, deep nesting, huge strings — any answer but a 500.
json_leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(
    json_leaves | st.integers(1_000, 100_000).map(lambda n: "é" * n),  # huge strings, cheaply
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"form_version": json_values, "answers": json_values, "applicant": json_values}),
    st.fixed_dictionaries({
        "form_version": st.integers(-2, 4) | json_values,
        "answers": st.dictionaries(st.sampled_from(["personal", "pets", "employment", "x"]), json_values),
        "applicant": st.fixed_dictionaries({"full_name": st.text(max_size=300), "email": st.emails() | st.text(),
                                            "phone": st.text(max_size=50)}),
    }),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.large_base_example])
@given(body=bodies, depth=st.sampled_from([0, 0, 0, 50, 5_000]))
def test_fuzzed_bodies_never_make_the_public_endpoint_answer_500(admin: dict[str, Any], body: Any, depth: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applications, "APPLY_PER_IP", ratelimit.Rule("fuzz-ip", 10**9, 3600))
    monkeypatch.setattr(applications, "APPLY_PER_ADDRESS", ratelimit.Rule("fuzz-address", 10**9, 3600))
    for _ in range(depth):
        body = {"answers": body} if depth < 100 else [body]
    raw = json.dumps(body) if depth < 100 else "[" * depth + "]" * depth
    answer = call("POST", f"/v1/public/{admin['community']['slug']}/applications", body=raw)
    assert answer.status < 500, (answer.status, answer.body)
    if answer.status >= 400:
        assert set(answer.body) == {"error"} and answer.body["error"]["code"]



def test_the_public_application_sample_event() -> None:
    from functions.api.intake import public_apply
    from tests.support.api import FakeContext

    signup("Willow Creek Condos", "wendy@example.com")
    event = json.loads((Path(__file__).parents[2] / "events" / "api-public-application.json").read_text())
    answer = public_apply.handler(event, FakeContext())
    assert answer["statusCode"] == 201, answer
    assert json.loads(answer["body"])["status"] == "submitted"
    assert public_apply.handler(event, FakeContext())["body"] == answer["body"]  # its Idempotency-Key replays


def test_the_demo_seed_adds_one_application_once(admin: dict[str, Any]) -> None:
    from shared.intake import demo

    cid, token = admin["community"]["id"], admin["access_token"]
    first = demo.seed(cid)
    assert first is not None and demo.seed(cid) is None
    stored = call("GET", f"/v1/applications/{first}", token=token).body
    assert stored["form_version"] == 1 and stored["answers"] == demo.ANSWERS


def test_nan_and_infinity_are_refused_in_schemas_and_answers(admin: dict[str, Any]) -> None:
    """Not JSON at all: the shared HTTP layer refuses them before any form code runs (issue 17)."""
    put = call("PUT", "/v1/intake-form", token=admin["access_token"],
               body='{"schema": {"type": "object", "properties": {"n": {"type": "number", "maximum": Infinity}}}}')
    assert put.status == 422 and put.body["error"]["details"][0] == {"field": "body",
                                                                      "message": "Infinity is not JSON"}
    answer = call("POST", f"/v1/public/{admin['community']['slug']}/applications",
                  body='{"form_version": 1, "answers": {"x": NaN}, "applicant": {"full_name": "N", '
                       '"email": "n@example.com"}}')
    assert answer.status == 422 and answer.body["error"]["details"][0] == {"field": "body",
                                                                           "message": "NaN is not JSON"}


def test_one_idempotency_key_on_two_communities_submits_to_each(admin: dict[str, Any]) -> None:
    """Public records share one scope: the slug in the path is part of what a key means."""
    other = signup("Pine Rentals", "pat@example.com")
    here = apply(admin["community"]["slug"], 1, V1_ANSWERS, **{"Idempotency-Key": "same-key"})
    there = apply(other["community"]["slug"], 1, V1_ANSWERS, **{"Idempotency-Key": "same-key"})
    assert here.status == there.status == 201 and here.body["id"] != there.body["id"]
    seen = call("GET", f"/v1/applications/{there.body['id']}", token=other["access_token"])
    assert seen.status == 200 and seen.body["applicant"]["email"] == "bea@example.com"
