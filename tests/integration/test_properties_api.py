"""Property operations over the API: properties and units CRUD and their 409s, tenancies (overlaps,
even racing), the rent ledger against a hand computation, reversal once, idempotency, the rent job
run twice, and resident balances from the ledger."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import botocore.client
import pytest

from shared.platform.context import Caller
from shared.platform.errors import Conflict
from shared.properties import days, repository, tenancies
from shared.properties.schemas import TenancyCreate
from shared.residents import repository as residents
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.support.api import call
from tests.support.properties import (
    ADDRESS,
    new_property,
    new_resident,
    new_tenancy,
    new_unit,
    ok,
    tenancy_body,
)
from tests.support.rent import run_rent_job

pytestmark = pytest.mark.integration


@pytest.fixture
def admin() -> dict[str, Any]:
    return signup()


def post(token: str, path: str, body: Any, **headers: str) -> Any:
    return call("POST", path, token=token, json_body=body, headers=headers or None)


def test_properties_and_units_crud_and_conflicts(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    prop = new_property(token)
    assert prop["unit_count"] == 0 and prop["kind"] == "rental" and prop["address"]["city"] == "Toronto"
    unit = new_unit(token, prop["id"], "101")
    assert ok(post(token, f"/v1/properties/{prop['id']}/units", {"label": " 101 "}), 409)["error"]["code"] == \
        "CONFLICT"
    other = new_unit(token, prop["id"], "102")
    assert ok(call("GET", f"/v1/properties/{prop['id']}", token=token))["unit_count"] == 2
    listed = ok(call("GET", f"/v1/properties/{prop['id']}/units", token=token, query={"limit": "1"}))
    assert [u["id"] for u in listed["items"]] == [unit["id"]] and listed["next_cursor"]
    rest = ok(call("GET", f"/v1/properties/{prop['id']}/units", token=token,
                   query={"limit": "1", "cursor": listed["next_cursor"]}))
    assert [u["id"] for u in rest["items"]] == [other["id"]]
    assert ok(call("GET", "/v1/tenancies", token=token, query={"cursor": listed["next_cursor"]}), 400)
    # A label freed by a rename can be taken; a taken one cannot.
    assert ok(call("PATCH", f"/v1/units/{other['id']}", token=token, json_body={"label": "101"}), 409)
    renamed = ok(call("PATCH", f"/v1/units/{other['id']}", token=token, json_body={"label": "102B"}))
    assert renamed["label"] == "102B"
    assert new_unit(token, prop["id"], "102")["label"] == "102"
    assert ok(call("PATCH", f"/v1/properties/{prop['id']}", token=token, json_body={"name": "River Towers"}))[
        "name"] == "River Towers"
    # Deleting a property with units, or a unit a tenancy uses: 409.
    assert ok(call("DELETE", f"/v1/properties/{prop['id']}", token=token), 409)["error"]["code"] == "CONFLICT"
    resident = new_resident(token, "Ann")
    new_tenancy(token, unit["id"], [resident["id"]], "2026-01-01", "2026-06-30")
    assert ok(call("DELETE", f"/v1/units/{unit['id']}", token=token), 409)
    ok(call("DELETE", f"/v1/units/{other['id']}", token=token), 204)
    assert ok(call("GET", f"/v1/units/{other['id']}", token=token), 404)["error"]["code"] == "NOT_FOUND"
    assert ok(call("GET", f"/v1/properties/{prop['id']}", token=token))["unit_count"] == 2
    # Bad input is a 422 naming the field, never a 500.
    bad = ok(post(token, "/v1/properties", {"name": "X", "kind": "castle", "address": ADDRESS}), 422)
    assert bad["error"]["details"][0]["field"] == "kind"
    empty = new_property(token, "Empty")
    ok(call("DELETE", f"/v1/properties/{empty['id']}", token=token), 204)
    assert ok(call("GET", f"/v1/properties/{empty['id']}", token=token), 404)


def test_tenancies_validation_overlap_status_and_end(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    prop = new_property(token)
    unit = new_unit(token, prop["id"], "1A")
    ann, ben = new_resident(token, "Ann"), new_resident(token, "Ben")
    today = days.today_in("UTC")
    # Unknown resident, two leads, a bad due day, three decimals: 422.
    assert ok(post(token, "/v1/tenancies", tenancy_body(unit["id"], ["01NOPE"], "2026-01-01")), 422)[
        "error"]["details"][0]["field"] == "parties.0.resident_id"
    two_leads = tenancy_body(unit["id"], [ann["id"], ben["id"]], "2026-01-01")
    two_leads["parties"][1]["lead"] = True
    ok(post(token, "/v1/tenancies", two_leads), 422)
    ok(post(token, "/v1/tenancies", tenancy_body(unit["id"], [ann["id"]], "2026-01-01", rent_due_day=29)), 422)
    ok(post(token, "/v1/tenancies", tenancy_body(unit["id"], [ann["id"]], "2026-01-01", rent="10.005")), 422)
    ok(post(token, "/v1/tenancies", tenancy_body("01NOUNIT", [ann["id"]], "2026-01-01")), 422)

    past = new_tenancy(token, unit["id"], [ann["id"], ben["id"]], "2025-01-01", "2025-12-31")
    assert past["status"] == "ended" and past["parties"][0] == {"resident_id": ann["id"], "lead": True}
    # Overlapping dates (inclusive) → 409; the day after the end is free.
    clash = ok(post(token, "/v1/tenancies", tenancy_body(unit["id"], [ben["id"]], "2025-12-31")), 409)
    assert clash["error"]["code"] == "CONFLICT"
    current = new_tenancy(token, unit["id"], [ben["id"]], (today - timedelta(days=30)).isoformat())
    assert current["status"] == "active" and current["end_on"] is None
    ok(post(token, "/v1/tenancies", tenancy_body(unit["id"], [ann["id"]], (today + timedelta(days=400)).isoformat())),
       409)  # an open-ended tenancy runs for ever
    ended = ok(post(token, f"/v1/tenancies/{current['id']}/end", {"end_on": (today + timedelta(days=60)).isoformat()}))
    assert ended["end_on"] == (today + timedelta(days=60)).isoformat() and ended["status"] == "active"
    upcoming = new_tenancy(token, unit["id"], [ann["id"]], (today + timedelta(days=61)).isoformat())
    assert upcoming["status"] == "upcoming"
    # Extending the current tenancy into the upcoming one is an overlap too.
    ok(call("PATCH", f"/v1/tenancies/{current['id']}", token=token,
            json_body={"end_on": (today + timedelta(days=61)).isoformat()}), 409)
    patched = ok(call("PATCH", f"/v1/tenancies/{current['id']}", token=token,
                      json_body={"rent": "1600", "last_increase_on": today.isoformat()}))
    assert patched["rent"] == "1600.00" and patched["last_increase_on"] == today.isoformat()
    # Lists by property, unit and status; the resident's links.
    by_status = {s: [t["id"] for t in ok(call("GET", "/v1/tenancies", token=token,
                                             query={"property_id": prop["id"], "status": s}))["items"]]
                 for s in ("active", "upcoming", "ended")}
    assert by_status == {"active": [current["id"]], "upcoming": [upcoming["id"]], "ended": [past["id"]]}
    by_unit = ok(call("GET", "/v1/tenancies", token=token, query={"unit_id": unit["id"]}))["items"]
    assert [t["id"] for t in by_unit] == [past["id"], current["id"], upcoming["id"]]
    assert {t["id"] for t in ok(call("GET", "/v1/tenancies", token=token))["items"]} == \
        {past["id"], current["id"], upcoming["id"]}
    links = repository.resident_links(admin["community"]["id"], ann["id"])
    assert {link.tenancy_id for link in links} == {past["id"], upcoming["id"]}
    # A party to a tenancy cannot be deleted (the ledger names them); replacing the parties frees Ben's link.
    assert ok(call("DELETE", f"/v1/residents/{ben['id']}", token=token), 409)["error"]["code"] == "CONFLICT"
    ok(call("PATCH", f"/v1/tenancies/{past['id']}", token=token,
            json_body={"parties": [{"resident_id": ann["id"], "lead": True}]}))
    assert {link.tenancy_id for link in repository.resident_links(admin["community"]["id"], ben["id"])} == \
        {current["id"]}


def test_overlapping_tenancies_racing_in_threads_one_wins(admin: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests read the unit (free) before either writes: the unit's version condition lets one
    commit; the other re-reads, sees the overlap and answers 409.

    The threads call the tenancy service the handler calls (one call, `tenancies.create_tenancy`), not the
    handler itself: a Lambda serves one request per process, so the handler's resolver keeps per-request
    state that two threads of one process would share. The race under test is the service's."""
    token = admin["access_token"]
    prop = new_property(token)
    unit = new_unit(token, prop["id"], "7")
    ann, ben = new_resident(token, "Ann"), new_resident(token, "Ben")
    caller = Caller(user_id=admin["user"]["id"], community_id=admin["community"]["id"], role=Role.ADMIN,
                    session_id="race", email_verified=True)
    # In-process moto is not thread-safe, while DynamoDB applies each request atomically: one lock
    # around every AWS call models that. The race under test is ours (read the unit, decide, write).
    serial, make_api_call = threading.Lock(), botocore.client.BaseClient._make_api_call

    def one_call_at_a_time(client: Any, *args: Any, **kwargs: Any) -> Any:
        with serial:
            return make_api_call(client, *args, **kwargs)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", one_call_at_a_time)
    barrier, original, seen = threading.Barrier(2), repository.save_tenancy, threading.local()

    def racing(*args: Any, **kwargs: Any) -> None:
        if not getattr(seen, "waited", False):  # both requests have read the unit before either writes
            seen.waited = True
            barrier.wait(timeout=120)
        original(*args, **kwargs)

    monkeypatch.setattr(repository, "save_tenancy", racing)
    outcomes: list[str] = []

    def create(resident_id: str) -> None:
        body = TenancyCreate.model_validate(tenancy_body(unit["id"], [resident_id], "2026-03-01"))
        try:
            outcomes.append(tenancies.create_tenancy(caller, body, known_residents=residents.get_many).id)
        except Conflict:
            outcomes.append("409")

    threads = [threading.Thread(target=create, args=(rid,)) for rid in (ann["id"], ben["id"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert len(outcomes) == 2 and outcomes.count("409") == 1, outcomes
    stored = repository.get_unit(admin["community"]["id"], unit["id"])
    assert stored is not None and len(stored.spans) == 1
    monkeypatch.undo()  # the loser's overlap is also what HTTP answers
    lost = post(token, "/v1/tenancies", tenancy_body(unit["id"], [ben["id"]], "2026-03-01"))
    assert lost.status == 409 and lost.body["error"]["code"] == "CONFLICT"


def test_ledger_matches_a_hand_computation(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    prop = new_property(token)
    unit = new_unit(token, prop["id"], "3C")
    ann = new_resident(token, "Ann")
    today = days.today_in("UTC")
    tenancy = new_tenancy(token, unit["id"], [ann["id"]], (today - timedelta(days=90)).isoformat())
    path = f"/v1/tenancies/{tenancy['id']}"

    def charge(amount: str, on: Any, category: str = "rent") -> dict[str, Any]:
        return ok(post(token, f"{path}/charges", {"amount": amount, "on": on.isoformat(), "category": category,
                                                  "description": f"{category} {on}"}), 201)

    rent = charge("1000.00", today - timedelta(days=30))
    fee = charge("50", today, "fee")
    future = charge("1000.00", today + timedelta(days=30))
    assert (future["tenancy_balance"], future["tenancy_arrears"]) == ("2050.00", "1050.00")
    paid = ok(post(token, f"{path}/payments", {"amount": 600, "on": today.isoformat(), "method": "etransfer",
                                               "reference": "TX-1"}, **{"Idempotency-Key": "pay-1"}), 201)
    again = ok(post(token, f"{path}/payments", {"amount": 600, "on": today.isoformat(), "method": "etransfer",
                                                "reference": "TX-1"}, **{"Idempotency-Key": "pay-1"}), 201)
    assert again["id"] == paid["id"]  # replayed, not posted twice
    ok(post(token, f"{path}/payments", {"amount": 1, "on": today.isoformat(), "method": "cash"},
            **{"Idempotency-Key": "pay-1"}), 409)
    reversal = ok(post(token, f"{path}/ledger/{fee['id']}/reverse", {"reason": "waived"}), 201)
    assert reversal["kind"] == "reversal" and reversal["reverses"] == fee["id"]
    # By hand: 1000 + 50 + 1000 - 600 - 50 = 1400; 1000 of it falls due in 30 days: arrears 400.
    ledger = ok(call("GET", f"{path}/ledger", token=token))
    assert [e["balance_after"] for e in ledger["items"]] == ["1000.00", "1050.00", "2050.00", "1450.00", "1400.00"]
    assert [e["kind"] for e in ledger["items"]] == ["charge", "charge", "charge", "payment", "reversal"]
    assert (ledger["balance"], ledger["arrears"]) == ("1400.00", "400.00")
    shown = ok(call("GET", path, token=token))
    assert (shown["balance"], shown["arrears"]) == ("1400.00", "400.00")
    # Exactly once: a second reversal, or reversing a reversal, is 409.
    assert ok(post(token, f"{path}/ledger/{fee['id']}/reverse", {"reason": "again"}), 409)["error"]["code"] == \
        "CONFLICT"
    ok(post(token, f"{path}/ledger/{reversal['id']}/reverse", {"reason": "undo"}), 409)
    ok(post(token, f"{path}/ledger/01NOSUCHENTRY/reverse", {"reason": "x"}), 404)
    # Reversing the future charge takes it out of both; reversing the payment puts 600 back.
    assert ok(post(token, f"{path}/ledger/{future['id']}/reverse", {"reason": "early"}), 201)[
        "tenancy_arrears"] == "400.00"
    back = ok(post(token, f"{path}/ledger/{paid['id']}/reverse", {"reason": "bounced"}), 201)
    assert (back["tenancy_balance"], back["tenancy_arrears"]) == ("1000.00", "1000.00")
    assert rent["balance_after"] == "1000.00"
    # Positive amounts only (the kind gives the sign); pages with the contract's cursor.
    ok(post(token, f"{path}/charges", {"amount": "-5", "on": today.isoformat(), "category": "fee",
                                       "description": "x"}), 422)
    first = ok(call("GET", f"{path}/ledger", token=token, query={"limit": "4"}))
    second = ok(call("GET", f"{path}/ledger", token=token, query={"limit": "4", "cursor": first["next_cursor"]}))
    assert len(first["items"]) == 4 and len(second["items"]) == 3 and second["next_cursor"] is None
    assert first["items"][0]["id"] < first["items"][-1]["id"] < second["items"][0]["id"]


def test_rent_job_run_twice_charges_once(admin: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = admin["access_token"]
    prop = new_property(token)
    units = [new_unit(token, prop["id"], label) for label in ("1", "2", "3")]
    ann, ben, cam = (new_resident(token, n) for n in ("Ann", "Ben", "Cam"))
    today = days.today_in("UTC")
    start = (today - timedelta(days=20)).isoformat()
    weekly = new_tenancy(token, units[0]["id"], [ann["id"]], start, rent="400", rent_period="weekly",
                         rent_due_day=today.isoweekday())
    daily = new_tenancy(token, units[1]["id"], [ben["id"]], start, rent="55.50", rent_period="daily",
                        rent_due_day=None)
    not_due = new_tenancy(token, units[2]["id"], [cam["id"]], start, rent="1500",
                          rent_due_day=28 if today.day != 28 else 27)
    first = run_rent_job(aws_env)
    assert first["communities"] >= 1
    second = run_rent_job(aws_env)  # again the same day: nothing more
    assert second["communities"] == first["communities"]
    for tenancy, expected in ((weekly, "400.00"), (daily, "55.50"), (not_due, "0.00")):
        ledger = ok(call("GET", f"/v1/tenancies/{tenancy['id']}/ledger", token=token))
        rent_entries = [e for e in ledger["items"] if e["category"] == "rent"]
        assert ledger["balance"] == expected
        assert len(rent_entries) == (0 if expected == "0.00" else 1)
        for entry in rent_entries:
            assert entry["on"] == today.isoformat() and entry["period_start"] == today.isoformat()
    assert ok(call("GET", f"/v1/tenancies/{weekly['id']}/ledger", token=token))["items"][0]["period_end"] == \
        (today + timedelta(days=6)).isoformat()


def test_a_tenants_delinquent_follows_the_ledger(admin: dict[str, Any]) -> None:
    token = admin["access_token"]
    prop = new_property(token)
    unit = new_unit(token, prop["id"], "9")
    ann = new_resident(token, "Ann")
    hoa = ok(call("POST", "/v1/residents", token=token, json_body={
        "first_name": "Hal", "last_name": "Owner", "role": "owner", "balance": "75.00"}), 201)
    ok(call("PATCH", f"/v1/residents/{ann['id']}", token=token, json_body={"balance": "999.00"}))
    today = days.today_in("UTC")
    tenancy = new_tenancy(token, unit["id"], [ann["id"]], (today - timedelta(days=40)).isoformat())
    shown = ok(call("GET", f"/v1/residents/{ann['id']}", token=token))
    assert (shown["balance"], shown["delinquent"]) == ("0.00", False)  # the ledger, not the typed 999.00
    charged = ok(post(token, f"/v1/tenancies/{tenancy['id']}/charges", {
        "amount": "1200.00", "on": today.isoformat(), "category": "rent", "description": "Rent"}), 201)
    ok(post(token, f"/v1/tenancies/{tenancy['id']}/charges", {
        "amount": "300.00", "on": (today + timedelta(days=5)).isoformat(), "category": "fee",
        "description": "Not due yet"}), 201)
    shown = ok(call("GET", f"/v1/residents/{ann['id']}", token=token))
    assert (shown["balance"], shown["delinquent"]) == ("1200.00", True)
    delinquent = {r["id"] for r in ok(call("GET", "/v1/residents", token=token,
                                           query={"status": "delinquent"}))["items"]}
    assert delinquent == {ann["id"], hoa["id"]}  # the HOA owner keeps their typed balance
    from shared.residents import service as residents  # a campaign's explicit audience, {{balance}}
    chosen = residents.get_many(admin["community"]["id"], [ann["id"], hoa["id"]])
    assert (str(chosen[ann["id"]].balance), str(chosen[hoa["id"]].balance)) == ("1200.00", "75.00")
    assert residents.variables_for(admin["community"]["id"], ann["id"])["balance"] == "1200.00"  # type: ignore[index]
    ok(post(token, f"/v1/tenancies/{tenancy['id']}/payments", {"amount": "1200", "on": today.isoformat(),
                                                               "method": "pad"}), 201)
    shown = ok(call("GET", f"/v1/residents/{ann['id']}", token=token))
    assert (shown["balance"], shown["delinquent"]) == ("0.00", False)
    assert charged["tenancy_arrears"] == "1200.00"
    # The audience filter `property_ids`: parties to an active tenancy in those properties.
    segment = ok(call("POST", "/v1/segments", token=token, json_body={
        "name": "Riverside tenants", "filter": {"property_ids": [prop["id"]]}}), 201)
    unknown = ok(call("POST", "/v1/segments", token=token, json_body={
        "name": "Nowhere", "filter": {"property_ids": ["01NOSUCHPROPERTY"]}}), 422)
    assert unknown["error"]["details"][0]["field"] == "filter.property_ids"
    preview = ok(call("GET", f"/v1/segments/{segment['id']}/preview", token=token))
    assert preview["count"] == 1 and preview["sample"][0]["id"] == ann["id"]
    campaign_preview = ok(call("POST", "/v1/campaigns", token=token, json_body={
        "name": "Riverside", "channel": "email", "template_id": "01NOTEMPLATE",
        "audience": {"filter": {"property_ids": [prop["id"]], "roles": ["tenant"]}}}), 422)
    assert campaign_preview["error"]["code"] == "VALIDATION_FAILED"  # the template, not the filter
    assert all(d["field"] != "audience.filter.property_ids" for d in campaign_preview["error"]["details"])


def test_a_refused_pack_of_rent_postings_falls_back_one_by_one(admin: dict[str, Any],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The rent job packs tenancies into one transaction; when one changed since it was read (a
    payment came in), nothing of the pack is written and each tenancy is charged on its own, once."""
    from shared.properties import rent_job

    token = admin["access_token"]
    cid = admin["community"]["id"]
    prop = new_property(token)
    today = days.today_in("UTC")
    made = []
    for label in ("1", "2", "3"):
        unit = new_unit(token, prop["id"], label)
        resident = new_resident(token, f"R{label}")
        made.append(new_tenancy(token, unit["id"], [resident["id"]], (today - timedelta(days=5)).isoformat(),
                                rent="20.00", rent_period="daily", rent_due_day=None))
    stale = list(repository.open_tenancies(cid, prop["id"], today))
    ok(post(token, f"/v1/tenancies/{made[1]['id']}/payments", {"amount": "5", "on": today.isoformat(),
                                                                "method": "cash"}), 201)
    with monkeypatch.context() as patched:
        patched.setattr(repository, "open_tenancies", lambda *_: iter(stale))
        outcome = rent_job.charge_property(cid, prop["id"], today)
    assert (outcome.tenancies, outcome.charged, outcome.entries) == (3, 3, 3)
    balances = [ok(call("GET", f"/v1/tenancies/{t['id']}", token=token))["balance"] for t in made]
    assert balances == ["20.00", "15.00", "20.00"]
    again = rent_job.charge_property(cid, prop["id"], today)
    assert (again.tenancies, again.charged) == (3, 0)
