"""Issue 6 over HTTP against the local runtime, as the SPA does it: residents, a segment, its preview."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Api, signup_ready

pytestmark = pytest.mark.e2e


def test_create_residents_and_preview_a_segment(api: Api) -> None:
    token = signup_ready(api, f"Dir {uuid.uuid4().hex[:6]}")["access_token"]
    people = [("Ann", "owner", "125.50", ["pool"]), ("Bo", "tenant", "0", ["pool"]), ("Cy", "owner", "10", [])]
    for i, (name, role, balance, tags) in enumerate(people):
        answer = api.post("/v1/residents", token=token, headers={"Idempotency-Key": f"r{i}"}, json={
            "first_name": name, "last_name": "Lee", "role": role, "balance": balance, "tags": tags,
            "email": f"{name.lower()}@example.com", "phone": f"(202) 555-01{i:02d}"})
        assert answer.status_code == 201, answer.text
        assert answer.json()["phone"] == f"+120255501{i:02d}"
    duplicate = api.post("/v1/residents", token=token, json={"first_name": "X", "last_name": "Y", "role": "owner",
                                                             "email": "ANN@example.com"})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "CONFLICT"
    listed = api.get("/v1/residents", token=token, params={"status": "delinquent"}).json()
    assert [r["first_name"] for r in listed["items"]] == ["Ann", "Cy"]
    segment = api.post("/v1/segments", token=token, json={
        "name": "Owing pool users", "filter": {"statuses": ["delinquent"], "tags": ["pool"]}})
    assert segment.status_code == 201, segment.text
    preview = api.get(f"/v1/segments/{segment.json()['id']}/preview", token=token)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["count"] == 1 and [r["first_name"] for r in body["sample"]] == ["Ann"]
    assert body["sample"][0]["balance"] == "125.50" and body["sample"][0]["delinquent"] is True
    export = api.get("/v1/residents.csv", token=token)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.text.splitlines()[0].startswith("id,first_name,last_name,email,phone")
