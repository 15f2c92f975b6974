"""Work-order triage over HTTP against the local runtime: a tenant asks about a gas smell."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.spec.permissions import Role
from tests.e2e.conftest import Api, LocalRuntime, signup_ready, wait_for
from tests.e2e.test_assets_http import _member_token

pytestmark = pytest.mark.e2e


def test_a_tenant_triages_a_gas_smell_over_http(api: Api, local_runtime: LocalRuntime) -> None:
    admin = signup_ready(api, f"Repairs {uuid.uuid4().hex[:6]}")
    assert api.patch("/v1/community", token=admin["access_token"], json={"timezone": "America/Toronto"}).ok
    tenant = _member_token(api, local_runtime, admin, Role.TENANT)

    answer = api.post("/v1/work-orders/triage", token=tenant,
                      json={"category": "heating", "answers": {"gas_smell": True, "no_heat": True}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["severity"] == "emergency"
    assert [r["rule"] for r in body["rules"]][0] == "gas_smell"
    assert body["self_help"][0].startswith("Leave the unit now")

    bad = api.post("/v1/work-orders/triage", token=tenant, json={"category": "roof", "answers": {}})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "category"
    assert api.post("/v1/work-orders/triage", json={"category": "other", "answers": {}}).status_code == 401


# --- work orders over HTTP (the service layer) -----------------------------------------------------------

ADDRESS = {"line1": "5 Lake Rd", "city": "Toronto", "province": "ON", "postal_code": "M4M 1A1", "country": "CA"}
ON_CALL = "+14165550177"


def _member(api: Api, runtime: LocalRuntime, admin: dict[str, Any], role: Role) -> tuple[str, str]:
    """(user id, token) of a member stored as the identity repository stores it, signed in over HTTP."""
    from tests.support import users

    user = users.member(admin["community"]["id"], role)
    for item in users.member_items(user):
        runtime.aws("dynamodb").put_item(TableName=runtime.resources["table"], Item=item)
    answer = api.post("/v1/auth/login", json={"community": admin["community"]["slug"], "email": user.email,
                                              "password": users.PASSWORD})
    assert answer.status_code == 200, answer.text
    return user.id, str(answer.json()["access_token"])


def _created(answer: Any, status: int = 201) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _rental(api: Api, token: str, name: str, tag: str) -> dict[str, Any]:
    prop = _created(api.post("/v1/properties", token=token, json={"name": name, "kind": "rental",
                                                                   "address": ADDRESS}))
    unit = _created(api.post(f"/v1/properties/{prop['id']}/units", token=token, json={"label": "1"}))
    parties = [_created(api.post("/v1/residents", token=token, json={
        "first_name": first, "last_name": "Tenant", "role": "tenant",
        "email": f"{first.lower()}.{name.lower()}.{tag}@example.com"})) for first in ("Lead", "Other")]
    start = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    _created(api.post("/v1/tenancies", token=token, json={
        "unit_id": unit["id"], "start_on": start, "rent": "1500.00", "rent_period": "monthly", "rent_due_day": 1,
        "parties": [{"resident_id": p["id"], "lead": i == 0} for i, p in enumerate(parties)]}))
    return {"property": prop, "unit": unit, "emails": sorted(p["email"] for p in parties)}


def test_work_orders_over_http(api: Api, local_runtime: LocalRuntime) -> None:
    tag = uuid.uuid4().hex[:6]
    admin = signup_ready(api, f"Rentals {tag}")
    token = admin["access_token"]
    assert api.patch("/v1/community", token=token,
                     json={"timezone": "America/Toronto", "on_call_phones": [ON_CALL],
                           "mfa_required_roles": ["admin"]}).ok
    a, b = _rental(api, token, "Lakeview", tag), _rental(api, token, "Hillside", tag)
    manager_id, manager = _member(api, local_runtime, admin, Role.MANAGER)
    assert api.put(f"/v1/users/{manager_id}/properties", token=token,
                   json={"property_ids": [a["property"]["id"]]}).ok
    owner_id, owner = _member(api, local_runtime, admin, Role.PROPERTY_OWNER)
    assert api.put(f"/v1/users/{owner_id}/properties", token=token, json={"property_ids": [a["property"]["id"]]}).ok
    manager_email = api.get(f"/v1/users/{manager_id}", token=token).json()["email"]

    # An emergency: exactly one SMS to the on-call phone and one mail to the property's manager, even
    # when the create is retried with the same Idempotency-Key.
    body = {"unit_id": a["unit"]["id"], "title": "Gas smell", "description": "Hallway smells of gas",
            "category": "other", "answers": {"gas_smell": True}}
    key = {"Idempotency-Key": f"gas-{tag}"}
    gas = _created(api.post("/v1/work-orders", token=manager, json=body, headers=key))
    assert _created(api.post("/v1/work-orders", token=manager, json=body, headers=key))["id"] == gas["id"]
    assert gas["priority"] == "emergency" and gas["triage"]["self_help"]

    def alerted() -> tuple[list[Any], list[Any]] | None:
        sms = [s for s in api.get("/_dev/sms").json()["items"] if s["to"] == ON_CALL and f"#{gas['number']}"
               in s["message"] and "Lakeview" in s["message"]]
        mails = [m for m in api.get("/_dev/mailbox").json()["items"]
                 if manager_email in str(m["to"]) and str(m["subject"]).startswith("Emergency work order")]
        return (sms, mails) if sms and mails else None

    sms, mails = wait_for(alerted, timeout_s=30)
    time.sleep(2)  # anything sent twice would have arrived by now
    sms_again, mails_again = alerted() or ([], [])
    assert len(sms) == len(sms_again) == 1 and len(mails) == len(mails_again) == 1

    # Entry 2 hours ahead for a non-emergency: 422; two days ahead at 10:00: notice mailed to every party.
    tap = _created(api.post("/v1/work-orders", token=manager, json=body | {
        "title": "Dripping tap", "category": "plumbing", "answers": {}}))
    soon = datetime.now(UTC) + timedelta(hours=2)
    refused = api.post(f"/v1/work-orders/{tap['id']}/entry", token=manager, json={
        "starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat()})
    assert refused.status_code == 422 and "notice_24_hours" in refused.text
    zone = ZoneInfo("America/Toronto")
    day = (datetime.now(zone) + timedelta(days=2)).date()
    start = datetime(day.year, day.month, day.day, 10, tzinfo=zone)
    given = api.post(f"/v1/work-orders/{tap['id']}/entry", token=manager, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()})
    assert given.status_code == 200, given.text

    def noticed() -> list[Any] | None:
        found = [m for m in api.get("/_dev/mailbox").json()["items"]
                 if str(m["subject"]).startswith("Notice of entry") and any(e in str(m["to"]) for e in a["emails"])]
        return found if len(found) == 2 else None

    notices = wait_for(noticed, timeout_s=30)
    assert all("10:00 and 12:00" in m["text"] for m in notices)

    # An invalid transition: 409. Two concurrent transitions: exactly one wins.
    assert api.post(f"/v1/work-orders/{tap['id']}/transition", token=manager,
                    json={"to": "completed"}).status_code == 409
    # Three requests at once, no two of which can both apply in any order (in_progress cannot be
    # cancelled, cancelled is final): exactly one wins, the others are 409.
    statuses: dict[int, int] = {}

    def move(index: int, to: str) -> None:
        statuses[index] = api.post(f"/v1/work-orders/{tap['id']}/transition", token=manager,
                                   json={"to": to}).status_code

    threads = [threading.Thread(target=move, args=pair)
               for pair in enumerate(("in_progress", "in_progress", "cancelled"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 409, 409], statuses

    # A scoped manager sees only their properties' orders; a property owner reads but cannot write.
    elsewhere = _created(api.post("/v1/work-orders", token=token, json=body | {
        "unit_id": b["unit"]["id"], "answers": {}, "category": "plumbing", "title": "Loose tile"}))
    listed = {o["id"] for o in api.get("/v1/work-orders", token=manager).json()["items"]}
    assert listed == {gas["id"], tap["id"]}
    assert api.get(f"/v1/work-orders/{elsewhere['id']}", token=manager).status_code == 404
    assert {o["id"] for o in api.get("/v1/work-orders", token=owner).json()["items"]} == listed
    assert api.get(f"/v1/work-orders/{tap['id']}", token=owner).status_code == 200
    assert api.patch(f"/v1/work-orders/{tap['id']}", token=owner, json={"title": "x"}).status_code == 403
    assert api.post(f"/v1/work-orders/{tap['id']}/transition", token=owner,
                    json={"to": "closed"}).status_code == 403
    assert api.post("/v1/work-orders", token=owner, json=body).status_code == 403


def test_the_rental_demo_has_work_orders(api: Api) -> None:
    from shared.demo import rentals as demo
    from tests.e2e.conftest import sign_in

    admin = sign_in(api, community=demo.SLUG, email=demo.ADMIN_EMAIL, password=demo.ADMIN_PASSWORD,
                    totp_secret=demo.ADMIN_TOTP_SECRET)["access_token"]
    orders = api.get("/v1/work-orders", token=admin).json()["items"]
    assert [o["priority"] for o in orders].count("emergency") == 1
    assert [o["title"] for o in orders if o["overdue"]] == ["Ceiling leak in the bathroom"]
    assert api.get("/v1/work-orders", token=admin, params={"overdue": "true"}).json()["items"][0]["overdue"] is True
