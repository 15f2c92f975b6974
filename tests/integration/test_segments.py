"""Segments: CRUD over the API, and the preview count proven against a brute-force filter (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.platform import clock, ids
from shared.platform.context import Caller
from shared.residents import repository, segments
from shared.residents.models import Consent, CustomField, FieldType, Resident, ResidentRole
from shared.residents.schemas import FilterIn, SegmentCreate
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.support.api import call

pytestmark = pytest.mark.integration

TAGS = ["pool", "gym", "dogs"]
UNITS = ["1A", "2B", "3C"]
COLOURS = ["red", "blue"]


def test_segment_crud_and_preview_over_the_api() -> None:
    admin = signup()
    token = admin["access_token"]
    call("POST", "/v1/custom-fields", token=token,
         json_body={"key": "colour", "label": "Colour", "type": "select", "options": COLOURS})
    for first, role, tags, colour in (("Ann", "owner", ["pool"], "red"), ("Bo", "tenant", ["pool", "gym"], "blue"),
                                      ("Cy", "owner", [], "blue")):
        assert call("POST", "/v1/residents", token=token, json_body={
            "first_name": first, "last_name": "X", "role": role, "tags": tags,
            "custom": {"colour": colour}}).status == 201
    made = call("POST", "/v1/segments", token=token, json_body={
        "name": "Pool owners", "filter": {"roles": ["owner"], "tags": ["pool", "gym"]}})
    assert made.status == 201, made.body
    sid = made.body["id"]
    assert made.body["filter"] == {"roles": ["owner"], "tags": ["pool", "gym"]}
    preview = call("GET", f"/v1/segments/{sid}/preview", token=token).body
    assert preview["count"] == 1 and [r["first_name"] for r in preview["sample"]] == ["Ann"]
    edited = call("PATCH", f"/v1/segments/{sid}", token=token, json_body={"filter": {"custom": {"colour": "BLUE"}}})
    assert edited.status == 200 and edited.body["name"] == "Pool owners"
    preview = call("GET", f"/v1/segments/{sid}/preview", token=token).body
    assert preview["count"] == 2 and [r["first_name"] for r in preview["sample"]] == ["Bo", "Cy"]
    assert [s["id"] for s in call("GET", "/v1/segments", token=token).body["items"]] == [sid]
    assert call("GET", f"/v1/segments/{sid}", token=token).body == edited.body
    unknown = call("POST", "/v1/segments", token=token, json_body={"name": "x", "filter": {"custom": {"size": 1}}})
    assert unknown.status == 422 and unknown.body["error"]["details"][0]["field"] == "filter.custom.size"
    bad = call("POST", "/v1/segments", token=token, json_body={"name": "x", "filter": {"statuses": ["late"]}})
    assert bad.status == 422
    other = signup(name="Elm", email="eve@example.com")["access_token"]
    assert call("GET", f"/v1/segments/{sid}/preview", token=other).status == 404
    assert call("DELETE", f"/v1/segments/{sid}", token=other).status == 404
    assert call("DELETE", f"/v1/segments/{sid}", token=token).status == 204
    assert call("GET", f"/v1/segments/{sid}", token=token).status == 404


resident_specs = st.fixed_dictionaries({
    "role": st.sampled_from(list(ResidentRole)),
    "balance": st.decimals(min_value=-20, max_value=20, places=2, allow_nan=False, allow_infinity=False),
    "has_violation": st.booleans(),
    "tags": st.lists(st.sampled_from(TAGS), unique=True, max_size=3),
    "unit": st.one_of(st.none(), st.sampled_from(UNITS)),
    "colour": st.one_of(st.none(), st.sampled_from(COLOURS)),
})


def maybe_list(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any] | None]:
    return st.one_of(st.none(), st.lists(values, unique=True, max_size=3))


filters = st.fixed_dictionaries({}, optional={
    "roles": maybe_list(st.sampled_from([str(r) for r in ResidentRole])),
    "statuses": maybe_list(st.sampled_from(["delinquent", "has_violation"])),
    "tags": maybe_list(st.sampled_from([*TAGS, "POOL"])),
    "units": maybe_list(st.sampled_from([*UNITS, "2b"])),
    "custom": st.one_of(st.none(), st.fixed_dictionaries({"colour": st.one_of(
        st.sampled_from(COLOURS), st.lists(st.sampled_from(COLOURS), max_size=2))})),
})


def brute_force(spec: dict[str, Any], flt: dict[str, Any]) -> bool:
    """The contract's rule written out independently: AND across keys, OR within a list, empty = anything."""
    checks = []
    if flt.get("roles"):
        checks.append(str(spec["role"]) in flt["roles"])
    if flt.get("statuses"):
        states = {"delinquent": spec["balance"] > Decimal("0.00"), "has_violation": spec["has_violation"]}
        checks.append(any(states[s] for s in flt["statuses"]))
    if flt.get("tags"):
        checks.append(any(t.lower() in spec["tags"] for t in flt["tags"]))
    if flt.get("units"):
        checks.append(spec["unit"] is not None and spec["unit"].lower() in [u.lower() for u in flt["units"]])
    wanted = (flt.get("custom") or {}).get("colour")
    if wanted is not None:
        accepted = [wanted] if isinstance(wanted, str) else wanted
        if accepted:
            checks.append(spec["colour"] in accepted)
    return all(checks)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(resident_specs, min_size=1, max_size=20), flt=filters)
def test_preview_count_equals_a_brute_force_filter(aws_env: dict[str, Any], specs: list[dict[str, Any]],
                                                   flt: dict[str, Any]) -> None:
    community_id = ids.new_id()  # a fresh community per example, in the one moto table
    caller = Caller(user_id="u", community_id=community_id, role=Role.ADMIN, session_id="s")
    now = clock.iso()
    repository.write_many([repository.Plan(old=None, new=Resident(
        id=ids.new_id(), community_id=community_id, first_name=f"R{i}", last_name="X", role=spec["role"],
        balance=spec["balance"], has_violation=spec["has_violation"], tags=spec["tags"], unit=spec["unit"],
        custom={"colour": spec["colour"]} if spec["colour"] else {}, consent=Consent(), created_at=now,
        updated_at=now)) for i, spec in enumerate(specs)])
    repository.create_custom_field(CustomField(
        key="colour", community_id=community_id, label="Colour", type=FieldType.SELECT,
        options=COLOURS, created_at=now, updated_at=now))
    segment = segments.create(caller, SegmentCreate(name="s", filter=FilterIn.model_validate(flt)))
    preview = segments.preview(caller, segment.id)
    expected = [f"R{i}" for i, spec in enumerate(specs) if brute_force(spec, flt)]
    assert preview.count == len(expected)
    assert [r.first_name for r in preview.sample] == expected[:segments.SAMPLE_SIZE]
