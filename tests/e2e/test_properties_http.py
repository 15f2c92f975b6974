"""Issue 11 over HTTP against the local runtime: the seeded rental community, properties and units,
tenancies (an overlap refused even when two requests race), the ledger, and the rent job run twice."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.demo import rentals as demo
from tests.e2e.conftest import Api, sign_in, signup_ready, wait_for

pytestmark = pytest.mark.e2e

ADDRESS = {"line1": "5 Lake Rd", "city": "Toronto", "province": "ON", "postal_code": "M4M 1A1", "country": "CA"}


def created(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_the_seeded_rental_community(api: Api) -> None:
    admin = sign_in(api, community=demo.SLUG, email=demo.ADMIN_EMAIL, password=demo.ADMIN_PASSWORD,
                    totp_secret=demo.ADMIN_TOTP_SECRET)["access_token"]
    properties = api.get("/v1/properties", token=admin).json()["items"]
    assert len(properties) == 2 and sum(p["unit_count"] for p in properties) == 10
    late = api.get("/v1/residents", token=admin, params={"status": "delinquent"}).json()["items"]
    assert [r["first_name"] for r in late] == ["Sofia"] and float(late[0]["balance"]) > 0
    owner = api.post("/v1/auth/login", json={"community": demo.SLUG, "email": demo.OWNER_EMAIL,
                                             "password": demo.OWNER_PASSWORD})
    assert owner.status_code == 200, owner.text
    token = owner.json()["access_token"]
    mine = api.get("/v1/properties", token=token).json()["items"]
    assert [p["name"] for p in mine] == ["Riverside Towers"]
    other = next(p for p in properties if p["id"] != mine[0]["id"])
    assert api.get(f"/v1/properties/{other['id']}", token=token).status_code == 404
    tenancies = api.get("/v1/tenancies", token=token).json()["items"]
    assert tenancies and {t["property_id"] for t in tenancies} == {mine[0]["id"]}
    ledger = api.get(f"/v1/tenancies/{tenancies[0]['id']}/ledger", token=token).json()
    assert ledger["items"] and ledger["items"][-1]["balance_after"] == ledger["balance"]
    assert api.post(f"/v1/tenancies/{tenancies[0]['id']}/payments", token=token,
                    json={"amount": "1", "on": "2026-12-01", "method": "cash"}).status_code == 403


def test_tenancies_ledger_and_the_rent_job(api: Api) -> None:
    token = signup_ready(api, f"Rentals {uuid.uuid4().hex[:6]}")["access_token"]
    prop = created(api.post("/v1/properties", token=token, json={"name": "Lakeview", "kind": "rental",
                                                                 "address": ADDRESS}))
    unit = created(api.post(f"/v1/properties/{prop['id']}/units", token=token, json={"label": "1"}))
    assert api.post(f"/v1/properties/{prop['id']}/units", token=token, json={"label": "1"}).status_code == 409
    people = [created(api.post("/v1/residents", token=token, json={
        "first_name": name, "last_name": "Renter", "role": "tenant", "email": f"{name}.{uuid.uuid4().hex[:6]}@x.com"}))
        for name in ("ann", "ben")]
    today = datetime.now(UTC).date()
    answers: list[Any] = []

    def lease(resident: dict[str, Any]) -> None:
        answers.append(api.post("/v1/tenancies", token=token, json={
            "unit_id": unit["id"], "parties": [{"resident_id": resident["id"], "lead": True}],
            "start_on": (today - timedelta(days=14)).isoformat(), "rent": "450.00", "rent_period": "weekly",
            "rent_due_day": today.isoweekday()}))

    threads = [threading.Thread(target=lease, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [201, 409]
    tenancy = next(a.json() for a in answers if a.status_code == 201)
    assert tenancy["status"] == "active"
    path = f"/v1/tenancies/{tenancy['id']}"
    fee = created(api.post(f"{path}/charges", token=token, json={
        "amount": "25.00", "on": today.isoformat(), "category": "fee", "description": "Key"}))
    created(api.post(f"{path}/charges", token=token, json={
        "amount": "100.00", "on": (today + timedelta(days=10)).isoformat(), "category": "other",
        "description": "Parking, next month"}))
    created(api.post(f"{path}/ledger/{fee['id']}/reverse", token=token, json={"reason": "waived"}))
    assert api.post(f"{path}/ledger/{fee['id']}/reverse", token=token, json={"reason": "x"}).status_code == 409
    # The rent job: queued per community, then per property; run twice, it charges the week once.
    for _ in range(2):
        ran = api.post("/_dev/jobs/ChargeRent")
        assert ran.status_code == 200, ran.text

        def charged() -> dict[str, Any] | None:
            body = api.get(f"{path}/ledger", token=token).json()
            return body if any(e["category"] == "rent" for e in body["items"]) else None

        ledger = wait_for(charged, timeout_s=30)
    ledger = api.get(f"{path}/ledger", token=token).json()
    assert [e["amount"] for e in ledger["items"] if e["category"] == "rent"] == ["450.00"]
    assert (ledger["balance"], ledger["arrears"]) == ("550.00", "450.00")
