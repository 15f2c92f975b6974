"""Issue 14 over HTTP against the local runtime: an N4 for a tenancy two months in arrears (periods and
total), served by mail on a Monday (+5 is a Saturday: deemed date and earliest termination), a termination
one day too early refused naming s.59, the PDF read back with pypdf, the reminder job run twice on the
due day mailing once, and a payment of the full arrears voiding the N4 and cancelling its reminders.

Not here: "the tenant sees the served N4 in the portal and never a draft" needs portal users linked to
residents, which main does not have yet (a tenant without a linked resident reaches no notice at all: see
tests/integration/test_notices_api.py)."""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import Api, signup_ready, wait_for

pytestmark = pytest.mark.e2e

ADDRESS = {"line1": "5 Lake Rd", "city": "Toronto", "province": "ON", "postal_code": "M4M 1A1", "country": "CA"}


def created(answer: Any, status: int = 201) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


def daytime_zone() -> str:
    """A fixed-offset zone where it is now between 09:00 and 21:59, so the job may mail today."""
    now = datetime.now(UTC)
    for offset in range(-12, 15):
        name = f"Etc/GMT{'+' if offset <= 0 else '-'}{abs(offset)}"  # POSIX signs: Etc/GMT-3 is UTC+3
        if 9 <= now.astimezone(ZoneInfo(name)).hour <= 21:
            return name
    raise AssertionError("no zone in daytime")


def test_n4_dates_rules_pdf_and_reminders(api: Api) -> None:
    admin = signup_ready(api, f"Notices {uuid.uuid4().hex[:6]}")
    token = admin["access_token"]
    zone = daytime_zone()
    created(api.patch("/v1/community", token=token, json={"timezone": zone}), 200)
    today = datetime.now(ZoneInfo(zone)).date()
    prop = created(api.post("/v1/properties", token=token, json={"name": "Lakeview", "kind": "rental",
                                                                 "address": ADDRESS}))
    unit = created(api.post(f"/v1/properties/{prop['id']}/units", token=token, json={"label": "4B"}))
    ann = created(api.post("/v1/residents", token=token, json={
        "first_name": "Ann", "last_name": "Renter", "role": "tenant", "email": f"ann.{uuid.uuid4().hex[:6]}@x.com"}))
    served_by_hand = today - timedelta(days=37)  # termination + 23 (the L1 reminder) is today
    m = served_by_hand - timedelta(days=served_by_hand.weekday())  # a Monday: mail's +5 is a Saturday
    c1, c2 = m - timedelta(days=45), m - timedelta(days=14)
    tenancy = created(api.post("/v1/tenancies", token=token, json={
        "unit_id": unit["id"], "parties": [{"resident_id": ann["id"], "lead": True}],
        "start_on": (c1 - timedelta(days=365)).isoformat(), "rent": "1500.00", "rent_period": "monthly",
        "rent_due_day": 1}))
    for on in (c1, c2):
        created(api.post(f"/v1/tenancies/{tenancy['id']}/charges", token=token, json={
            "amount": "1500.00", "on": on.isoformat(), "category": "rent", "description": "Rent"}))
    created(api.post(f"/v1/tenancies/{tenancy['id']}/payments", token=token, json={
        "amount": "200.00", "on": c1.isoformat(), "method": "etransfer"}))

    # Two months in arrears: the periods and the total.
    draft = created(api.post("/v1/notices", token=token, json={"type": "n4", "tenancy_id": tenancy["id"]}))
    assert [(p["from"], p["owing"]) for p in draft["details"]["periods"]] == [
        (c1.isoformat(), "1300.00"), (c2.isoformat(), "1500.00")]
    assert draft["details"]["total"] == "2800.00"
    # By mail on a Monday: deemed the Saturday (not moved), earliest termination 14 days later.
    calc = created(api.post("/v1/notices/calculate", token=token, json={
        "type": "n4", "tenancy_id": tenancy["id"], "served_on": m.isoformat(), "service_method": "mail"}), 200)
    deemed = m + timedelta(days=5)
    assert deemed.weekday() == 5 and calc["deemed_served_on"] == deemed.isoformat()
    assert calc["earliest_effective_on"] == (deemed + timedelta(days=14)).isoformat()
    # One day too early: 422 naming s.59; the draft stays a draft.
    early = api.patch(f"/v1/notices/{draft['id']}", token=token,
                      json={"effective_on": (deemed + timedelta(days=13)).isoformat()})
    assert early.status_code == 200, early.text
    refused = api.post(f"/v1/notices/{draft['id']}/serve", token=token,
                       json={"served_on": m.isoformat(), "service_method": "mail"})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "NOTICE_RULE_FAILED" and "s.59" in error["details"][0]["message"]
    created(api.patch(f"/v1/notices/{draft['id']}", token=token,
                      json={"effective_on": (deemed + timedelta(days=14)).isoformat()}), 200)
    served = created(api.post(f"/v1/notices/{draft['id']}/serve", token=token,
                              json={"served_on": m.isoformat(), "service_method": "mail"}), 200)
    assert served["status"] == "served" and served["deemed_served_on"] == deemed.isoformat()

    # The PDF: the tenant's name, the total owing, the certificate of service.
    document = api.get(f"/v1/notices/{draft['id']}/document.pdf", token=token)
    assert document.status_code == 200 and document.headers["content-type"].startswith("application/pdf")
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    assert "Ann Renter" in text and "2,800.00" in text and "Certificate of Service" in text

    # A second N4 served by hand: its L1 reminder is due today; the job run twice mails it once.
    second = created(api.post("/v1/notices", token=token, json={"type": "n4", "tenancy_id": tenancy["id"]}))
    by_hand = created(api.post(f"/v1/notices/{second['id']}/serve", token=token, json={
        "served_on": served_by_hand.isoformat(), "service_method": "hand"}), 200)
    l1 = next(r for r in by_hand["reminders"] if r["kind"] == "l1_window")
    assert date.fromisoformat(l1["due_on"]) == today and l1["status"] == "pending"

    def reminder_mails() -> list[dict[str, Any]]:
        mails = api.get("/_dev/mailbox").json()["items"]
        return [x for x in mails if admin["email"] in (x["to"] or "") and "Notice reminder" in x["subject"]]

    for _ in range(2):
        ran = api.post("/_dev/jobs/NoticeReminders")
        assert ran.status_code == 200, ran.text
        wait_for(lambda: reminder_mails() or None, timeout_s=30)
    time.sleep(2)  # a duplicate would have arrived by now
    assert len(reminder_mails()) == 1
    again = created(api.get(f"/v1/notices/{second['id']}", token=token), 200)
    assert {r["kind"]: r["status"] for r in again["reminders"]}["l1_window"] == "sent"
    # Both notices' termination dates have passed: the job turned them effective.
    assert again["status"] == "effective"


def test_paying_the_arrears_voids_the_n4_and_cancels_its_reminders(api: Api) -> None:
    admin = signup_ready(api, f"Paid {uuid.uuid4().hex[:6]}")
    token = admin["access_token"]
    today = datetime.now(UTC).date()
    prop = created(api.post("/v1/properties", token=token, json={"name": "Elm", "kind": "rental",
                                                                 "address": ADDRESS}))
    unit = created(api.post(f"/v1/properties/{prop['id']}/units", token=token, json={"label": "2"}))
    bo = created(api.post("/v1/residents", token=token, json={
        "first_name": "Bo", "last_name": "Renter", "role": "tenant", "email": f"bo.{uuid.uuid4().hex[:6]}@x.com"}))
    due = today - timedelta(days=3)
    tenancy = created(api.post("/v1/tenancies", token=token, json={
        "unit_id": unit["id"], "parties": [{"resident_id": bo["id"], "lead": True}],
        "start_on": (due - timedelta(days=400)).isoformat(), "rent": "900.00", "rent_period": "monthly",
        "rent_due_day": 1}))
    created(api.post(f"/v1/tenancies/{tenancy['id']}/charges", token=token, json={
        "amount": "900.00", "on": due.isoformat(), "category": "rent", "description": "Rent"}))
    notice = created(api.post("/v1/notices", token=token, json={"type": "n4", "tenancy_id": tenancy["id"]}))
    served = created(api.post(f"/v1/notices/{notice['id']}/serve", token=token, json={
        "served_on": today.isoformat(), "service_method": "hand"}), 200)
    assert served["status"] == "served" and {r["status"] for r in served["reminders"]} == {"pending"}
    created(api.post(f"/v1/tenancies/{tenancy['id']}/payments", token=token, json={
        "amount": "900.00", "on": today.isoformat(), "method": "etransfer"}))

    def voided() -> dict[str, Any] | None:
        body = api.get(f"/v1/notices/{notice['id']}", token=token).json()
        return body if body["status"] == "void" else None

    body = wait_for(voided, timeout_s=30)
    assert body["void_reason"] == "paid" and {r["status"] for r in body["reminders"]} == {"cancelled"}
    wait_for(lambda: [x for x in api.get("/_dev/mailbox").json()["items"]
                      if admin["email"] in (x["to"] or "") and "N4 void" in x["subject"]] or None)


def test_the_seeded_notices(api: Api) -> None:
    from shared.demo import rentals as demo
    from tests.e2e.conftest import sign_in

    admin = sign_in(api, community=demo.SLUG, email=demo.ADMIN_EMAIL, password=demo.ADMIN_PASSWORD,
                    totp_secret=demo.ADMIN_TOTP_SECRET)["access_token"]
    notices = api.get("/v1/notices", token=admin).json()["items"]
    assert sorted((n["type"], n["status"]) for n in notices) == [("n1", "draft"), ("n4", "served")]
    pending = api.get("/v1/reminders", token=admin, params={"status": "pending"}).json()["items"]
    assert {r["notice_id"] for r in pending} == {n["id"] for n in notices}
