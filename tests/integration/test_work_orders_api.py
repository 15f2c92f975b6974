"""Work orders on moto: create (numbering, triage priority, override, SLA), list and scope, read,
edit, the status machine with a conditional write, events, mails to the parties, emergencies."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from shared.maintenance import repository as orders_repository
from shared.maintenance import workorders
from shared.platform import clock
from shared.platform.context import Caller
from shared.spec.permissions import Role
from tests.integration.test_property_scope import assign, member
from tests.support.api import call
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit, ok
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration

ON_CALL = "+14165550100"


@pytest.fixture
def world() -> dict[str, Any]:
    """Two rental properties, each with a unit leased to two residents (with email), and an on-call phone."""
    from tests.integration.conftest import signup

    admin = signup()
    token = admin["access_token"]
    ok(call("PATCH", "/v1/community", token=token,
            json_body={"timezone": "America/Toronto", "on_call_phones": [ON_CALL]}))
    start = (clock.now() - timedelta(days=30)).date().isoformat()
    found: dict[str, Any] = {"token": token, "community_id": admin["community"]["id"], "admin": admin}
    for key in ("a", "b"):
        prop = new_property(token, f"Property {key}")
        unit = new_unit(token, prop["id"], "1")
        lead = new_resident(token, f"Lead{key}")
        other = new_resident(token, f"Other{key}")
        tenancy = new_tenancy(token, unit["id"], [lead["id"], other["id"]], start)
        found[key] = {"property": prop, "unit": unit, "tenancy": tenancy, "parties": [lead, other]}
    return found


def create(token: str, unit_id: str, **extra: Any) -> Any:
    body = {"unit_id": unit_id, "title": "Dripping tap", "description": "Kitchen tap drips",
            "category": "plumbing", "answers": {}} | extra
    return call("POST", "/v1/work-orders", token=token, json_body=body)


def messages(ids: list[str], community_id: str) -> list[Any]:
    from shared.messaging import repository

    found = repository.get_many(community_id, ids)
    return [found[i] for i in ids if i in found]


def all_messages(aws_env: dict[str, Any]) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=aws_env["table"])["Items"]
    # Work orders' messages only (their ids are derived, `0W…`): signup's verification mail is not ours.
    return [i for i in items if i.get("type", {}).get("S") == "message" and i["sk"]["S"].startswith("MSG#0W")]


def test_create_numbers_triages_and_sets_the_sla(world: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, a = world["token"], world["a"]
    first = ok(create(token, a["unit"]["id"]), 201)
    assert first["number"] == 1 and first["priority"] == "low" and first["status"] == "open"
    assert first["property_id"] == a["property"]["id"] and first["tenancy_id"] == a["tenancy"]["id"]
    assert first["overdue"] is False and first["reopened"] == 0 and first["created_by_role"] == "admin"
    created = datetime.fromisoformat(first["created_at"])
    assert datetime.fromisoformat(first["due_at"]) - created == timedelta(hours=192)
    leak = ok(create(token, a["unit"]["id"], answers={"active_leak": True}), 201)
    assert leak["number"] == 2 and leak["priority"] == "high" and leak["triage"]["severity"] == "high"
    assert datetime.fromisoformat(leak["due_at"]) - datetime.fromisoformat(leak["created_at"]) == timedelta(hours=24)
    # The community's SLA hours decide.
    ok(call("PATCH", "/v1/community", token=token, json_body={"work_order_sla_hours": {
        "emergency": 2, "high": 12, "medium": 48, "low": 100}}))
    third = ok(create(token, None, property_id=a["property"]["id"]), 201)
    assert third["unit_id"] is None and third["tenancy_id"] is None
    assert datetime.fromisoformat(third["due_at"]) - datetime.fromisoformat(third["created_at"]) == timedelta(hours=100)


def test_a_staff_override_needs_a_reason_and_is_audited(world: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token, unit_id = world["token"], world["a"]["unit"]["id"]
    refused = ok(create(token, unit_id, priority="high"), 422)
    assert refused["error"]["details"][0]["field"] == "priority_reason"
    audit_events(aws_env)
    made = ok(create(token, unit_id, priority="high", priority_reason="elderly tenant"), 201)
    assert made["priority"] == "high" and made["priority_reason"] == "elderly tenant"
    assert made["triage"]["severity"] == "low"
    actions = [e.action for e in audit_events(aws_env)]
    assert "work_order.priority_overridden" in actions and "work_order.created" in actions
    # A later change recomputes due_at from created_at, also with a reason.
    ok(call("PATCH", f"/v1/work-orders/{made['id']}", token=token, json_body={"priority": "medium"}), 422)
    changed = ok(call("PATCH", f"/v1/work-orders/{made['id']}", token=token,
                      json_body={"priority": "medium", "priority_reason": "tenant away", "title": "Tap"}))
    assert changed["priority"] == "medium" and changed["title"] == "Tap"
    assert datetime.fromisoformat(changed["due_at"]) - datetime.fromisoformat(made["created_at"]) == timedelta(hours=72)
    kinds = [e["kind"] for e in ok(call("GET", f"/v1/work-orders/{made['id']}/events", token=token))["items"]]
    assert kinds == ["created", "updated"]


def test_bad_input_is_422(world: dict[str, Any]) -> None:
    token = world["token"]
    assert create(token, "01NOSUCHUNIT").status == 422
    assert create(token, world["a"]["unit"]["id"], property_id=world["b"]["property"]["id"]).status == 422
    assert create(token, world["a"]["unit"]["id"], answers={"gas_smell": "yes"}).status == 422
    assert call("POST", "/v1/work-orders", token=token, json_body={"title": "x", "description": "y",
                                                                    "category": "plumbing"}).status == 422
    assert call("GET", "/v1/work-orders", token=token, query={"status": "nope"}).status == 422
    assert call("GET", "/v1/work-orders/01NOSUCHORDER", token=token).status == 404


def test_numbering_has_no_race(world: dict[str, Any]) -> None:
    """Twelve creates at once, five times over: every number taken exactly once, none skipped."""
    cid = world["community_id"]
    numbers: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        number = orders_repository.next_number(cid)
        with lock:
            numbers.append(number)

    for _ in range(5):
        threads = [threading.Thread(target=take) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(numbers) == list(range(1, 61))


def test_lists_filter_and_overdue_is_computed_at_read_time(world: dict[str, Any]) -> None:
    token, a, b = world["token"], world["a"], world["b"]
    low = ok(create(token, a["unit"]["id"]), 201)
    high = ok(create(token, b["unit"]["id"], answers={"no_water": True}), 201)
    ids = lambda **q: [o["id"] for o in ok(call("GET", "/v1/work-orders", token=token, query=q or None))["items"]]  # noqa: E731
    assert ids() == [high["id"], low["id"]]  # newest first
    assert ids(property_id=a["property"]["id"]) == [low["id"]]
    assert ids(priority="high") == [high["id"]]
    assert ids(status="open") == [high["id"], low["id"]] and ids(status="closed") == []
    assert ids(overdue="true") == []
    # 25 hours on (tokens would expire if the clock travelled): the high one (24 h) is overdue, not the low one.
    later = clock.now() + timedelta(hours=25)
    admin = Caller(user_id=world["admin"]["user"]["id"], community_id=world["community_id"], role=Role.ADMIN,
                   session_id="test")
    late = lambda flag: [o.id for o in workorders.list_orders(admin, overdue=flag, at=later).items]  # noqa: E731
    assert late(True) == [high["id"]] and late(False) == [low["id"]]
    assert [o.overdue for o in workorders.list_orders(admin, at=later).items] == [True, False]
    page = ok(call("GET", "/v1/work-orders", token=token, query={"limit": "1"}))
    assert [o["id"] for o in page["items"]] == [high["id"]] and page["next_cursor"]
    rest = ok(call("GET", "/v1/work-orders", token=token, query={"limit": "1", "cursor": page["next_cursor"]}))
    assert [o["id"] for o in rest["items"]] == [low["id"]] and rest["next_cursor"] is None


def test_a_scoped_manager_and_a_property_owner_reach_only_their_properties(world: dict[str, Any]) -> None:
    token, a, b = world["token"], world["a"], world["b"]
    in_a = ok(create(token, a["unit"]["id"]), 201)
    in_b = ok(create(token, b["unit"]["id"]), 201)
    manager_id, manager = member(world["community_id"], Role.MANAGER)
    owner_id, owner = member(world["community_id"], Role.PROPERTY_OWNER)
    ok(assign(world, manager_id, [a["property"]["id"]]))
    ok(assign(world, owner_id, [a["property"]["id"]]))
    for who in (manager, owner):
        listed = ok(call("GET", "/v1/work-orders", token=who))["items"]
        assert [o["id"] for o in listed] == [in_a["id"]]
        assert call("GET", f"/v1/work-orders/{in_b['id']}", token=who).status == 404
        assert call("GET", f"/v1/work-orders/{in_a['id']}", token=who).status == 200
        assert ok(call("GET", "/v1/work-orders", token=who, query={"property_id": b["property"]["id"]}))["items"] == []
    # The manager writes in scope only; the property owner never writes.
    assert create(manager, b["unit"]["id"]).status == 404
    assert create(manager, a["unit"]["id"]).status == 201
    assert call("PATCH", f"/v1/work-orders/{in_b['id']}", token=manager, json_body={"title": "x"}).status == 404
    assert call("PATCH", f"/v1/work-orders/{in_a['id']}", token=owner, json_body={"title": "x"}).status == 403
    assert create(owner, a["unit"]["id"]).status == 403
    assert call("POST", f"/v1/work-orders/{in_a['id']}/transition", token=owner,
                json_body={"to": "scheduled"}).status == 403


def test_a_scoped_list_reads_one_range_per_property_never_a_scan(world: dict[str, Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    token, a = world["token"], world["a"]
    ok(create(token, a["unit"]["id"]), 201)
    manager_id, manager = member(world["community_id"], Role.MANAGER)
    ok(assign(world, manager_id, [a["property"]["id"], world["b"]["property"]["id"]]))
    seen: list[str] = []
    community_page, property_page = orders_repository.community_page, orders_repository.property_page
    monkeypatch.setattr(orders_repository, "community_page", lambda *x, **k: seen.append("community")
                        or community_page(*x, **k))
    monkeypatch.setattr(orders_repository, "property_page", lambda cid, pid, *x, **k: seen.append(pid)
                        or property_page(cid, pid, *x, **k))
    ok(call("GET", "/v1/work-orders", token=manager))
    assert sorted(seen) == sorted([a["property"]["id"], world["b"]["property"]["id"]])


def test_transitions_follow_the_machine_record_events_and_mail_the_parties(world: dict[str, Any],
                                                                           aws_env: dict[str, Any]) -> None:
    token, a, cid = world["token"], world["a"], world["community_id"]
    order = ok(create(token, a["unit"]["id"]), 201)
    path = f"/v1/work-orders/{order['id']}/transition"
    refused = ok(call("POST", path, token=token, json_body={"to": "completed"}), 409)
    assert refused["error"]["code"] == "CONFLICT" and "scheduled" in refused["error"]["message"]
    for to in ("scheduled", "in_progress", "completed"):
        assert ok(call("POST", path, token=token, json_body={"to": to, "note": f"now {to}"}))["status"] == to
    reopened = ok(call("POST", path, token=token, json_body={"to": "open"}))
    assert reopened["reopened"] == 1 and reopened["completed_at"] is None
    events = ok(call("GET", f"/v1/work-orders/{order['id']}/events", token=token))["items"]
    moves = [(e["detail"]["from"], e["detail"]["to"]) for e in events if e["kind"] == "transition"]
    assert moves == [("open", "scheduled"), ("scheduled", "in_progress"), ("in_progress", "completed"),
                     ("completed", "open")]
    assert events[-1]["detail"]["reopen"] is True
    parties = sorted(p["email"] for p in a["parties"])
    for event in (e for e in events if e["kind"] == "transition"):
        sent = messages(event["message_ids"], cid)
        assert sorted(m.to for m in sent) == parties
        assert all(m.category == "transactional" and m.channel == "email" for m in sent)
    assert "is now in progress" in messages(events[2]["message_ids"], cid)[0].text
    assert len(all_messages(aws_env)) == 4 * 2


def test_two_concurrent_transitions_exactly_one_wins(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    token = world["token"]
    order = ok(create(token, world["a"]["unit"]["id"]), 201)
    both_read = threading.Barrier(2)
    real_get = orders_repository.get

    def get_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = real_get(*args, **kwargs)
        both_read.wait(timeout=10)  # both requests read the open order before either writes
        return found

    monkeypatch.setattr(orders_repository, "get", get_then_wait)
    results: dict[str, int] = {}

    def move(to: str) -> None:
        results[to] = call("POST", f"/v1/work-orders/{order['id']}/transition", token=token,
                           json_body={"to": to}).status

    threads = [threading.Thread(target=move, args=(to,)) for to in ("scheduled", "cancelled")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.setattr(orders_repository, "get", real_get)
    assert sorted(results.values()) == [200, 409], results
    winner = next(to for to, status in results.items() if status == 200)
    assert ok(call("GET", f"/v1/work-orders/{order['id']}", token=token))["status"] == winner
    kinds = [e["kind"] for e in ok(call("GET", f"/v1/work-orders/{order['id']}/events", token=token))["items"]]
    assert kinds == ["created", "transition"]


def test_an_emergency_texts_on_call_and_mails_managers_exactly_once(world: dict[str, Any],
                                                                    aws_env: dict[str, Any]) -> None:
    token, a, cid = world["token"], world["a"], world["community_id"]
    manager_id, _ = member(cid, Role.MANAGER)
    ok(assign(world, manager_id, [a["property"]["id"]]))
    other_id, _ = member(cid, Role.MANAGER)
    ok(assign(world, other_id, [world["b"]["property"]["id"]]))
    body = {"unit_id": a["unit"]["id"], "title": "Gas smell", "description": "Hallway smells of gas",
            "category": "other", "answers": {"gas_smell": True}}
    headers = {"Idempotency-Key": "gas-1"}
    first = call("POST", "/v1/work-orders", token=token, json_body=body, headers=headers)
    again = call("POST", "/v1/work-orders", token=token, json_body=body, headers=headers)
    made = ok(first, 201)
    assert again.body["id"] == made["id"] and made["priority"] == "emergency"
    assert datetime.fromisoformat(made["due_at"]) - datetime.fromisoformat(made["created_at"]) == timedelta(hours=4)
    stored = all_messages(aws_env)
    sms = [m for m in stored if m["channel"]["S"] == "sms"]
    mails = [m for m in stored if m["channel"]["S"] == "email"]
    assert [m["to"]["S"] for m in sms] == [ON_CALL]
    from shared.identity import repository as identity

    manager = identity.get_user(cid, manager_id)
    assert manager is not None and [m["to"]["S"] for m in mails] == [manager.email]
    # The alert again (a redelivery) sends nothing more; it is one event of the order.
    from shared.maintenance import alerts

    order = orders_repository.get(cid, made["id"])
    assert order is not None
    alerts.emergency(order, datetime.now(UTC))
    assert len(all_messages(aws_env)) == 2
    events = ok(call("GET", f"/v1/work-orders/{made['id']}/events", token=token))["items"]
    alert = [e for e in events if e["kind"] == "emergency_alert"]
    assert len(alert) == 1 and len(alert[0]["message_ids"]) == 2 and ON_CALL not in str(alert[0]["detail"])


def test_an_override_to_emergency_alerts_too(world: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = world["token"]
    made = ok(create(token, world["a"]["unit"]["id"]), 201)
    assert all_messages(aws_env) == []
    ok(call("PATCH", f"/v1/work-orders/{made['id']}", token=token,
            json_body={"priority": "emergency", "priority_reason": "water near the panel"}))
    assert sorted(m["channel"]["S"] for m in all_messages(aws_env)) == ["email", "sms"]


def test_on_call_phones_are_e164(world: dict[str, Any]) -> None:
    token = world["token"]
    for bad in (["4165550100"], ["+1 416"], [ON_CALL, ON_CALL], "x"):
        assert call("PATCH", "/v1/community", token=token, json_body={"on_call_phones": bad}).status == 422
    shown = ok(call("PATCH", "/v1/community", token=token, json_body={"on_call_phones": ["+442071234567"]}))
    assert shown["on_call_phones"] == ["+442071234567"]
    assert ok(call("GET", "/v1/community", token=token))["on_call_phones"] == ["+442071234567"]
    assert ok(call("PATCH", "/v1/community", token=token, json_body={"on_call_phones": []}))["on_call_phones"] == []


def test_the_sample_events(world: dict[str, Any], aws_env: dict[str, Any]) -> None:
    """events/api-work-order-create.json and api-work-order-transition.json through their handlers."""
    from functions.api.work_orders import create as create_handler
    from functions.api.work_orders import transition as transition_handler
    from tests.integration.test_residents_sample_events import _as_caller
    from tests.integration.test_sample_events import load
    from tests.support.api import FakeContext

    event = _as_caller(load("api-work-order-create.json"), world["token"])
    event["body"] = event["body"].replace("01JUNIT", world["a"]["unit"]["id"])
    answer = create_handler.handler(event, FakeContext())
    assert answer["statusCode"] == 201, answer
    made = json.loads(answer["body"])
    assert made["priority"] == "emergency" and made["number"] == 1
    moved = _as_caller(load("api-work-order-transition.json"), world["token"])
    path = f"/v1/work-orders/{made['id']}/transition"
    moved["pathParameters"]["id"], moved["rawPath"], moved["requestContext"]["http"]["path"] = made["id"], path, path
    answer = transition_handler.handler(moved, FakeContext())
    assert answer["statusCode"] == 200, answer
    assert json.loads(answer["body"])["status"] == "scheduled"
    # The samples' placeholder identity names nobody: 401, never a 500.
    assert create_handler.handler(load("api-work-order-create.json"), FakeContext())["statusCode"] == 401


# --- comments, entry, and the resident side (portal users linked to residents through a stand-in) --------


@pytest.fixture
def residents(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Tokens of tenant users standing for a's lead, a's other party and b's lead. Portal users are not
    linked to residents on this branch (another issue), so the link is a stand-in for `_resident_of`."""
    from shared.properties import scope

    links: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for name, resident in (("a_lead", world["a"]["parties"][0]), ("a_other", world["a"]["parties"][1]),
                           ("b_lead", world["b"]["parties"][0])):
        user_id, token = member(world["community_id"], Role.TENANT)
        links[user_id], tokens[name] = resident["id"], token
    monkeypatch.setattr(scope, "_resident_of", lambda caller: links.get(caller.user_id))
    return tokens


def _toronto_day(days_ahead: int, hour: int) -> datetime:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Toronto")
    day = (clock.now().astimezone(zone) + timedelta(days=days_ahead)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def test_internal_comments_are_for_staff_only(world: dict[str, Any], residents: dict[str, str],
                                              aws_env: dict[str, Any]) -> None:
    token, a, cid = world["token"], world["a"], world["community_id"]
    order = ok(create(token, a["unit"]["id"]), 201)
    path = f"/v1/work-orders/{order['id']}/comments"
    ok(call("POST", path, token=token, json_body={"body": "Landlord pays, not tenant damage", "internal": True}), 201)
    public = ok(call("POST", path, token=token, json_body={"body": "Plumber comes Thursday"}), 201)
    assert [c["body"] for c in ok(call("GET", path, token=token))["items"]] == [
        "Landlord pays, not tenant damage", "Plumber comes Thursday"]
    tenant = residents["a_lead"]
    assert [c["id"] for c in ok(call("GET", path, token=tenant))["items"]] == [public["id"]]
    shown = ok(call("GET", f"/v1/work-orders/{order['id']}/events", token=tenant))["items"]
    assert [e["detail"].get("internal") for e in shown if e["kind"] == "comment"] == [False]
    assert ok(call("POST", path, token=tenant, json_body={"body": "x", "internal": True}), 422)
    ok(call("POST", path, token=tenant, json_body={"body": "Thanks, I will be home"}), 201)
    # Only the public staff comment and the tenant's own were mailed: the other party got both, the
    # author not their own, and nobody the internal one.
    texts = [(m["to"]["S"], m["text"]["S"]) for m in all_messages(aws_env)]
    assert not any("tenant damage" in t for _, t in texts)
    lead, other = (p["email"] for p in a["parties"])
    assert sorted(to for to, _ in texts) == sorted([lead, other, other])
    assert call("GET", path, token=residents["b_lead"]).status == 404
    _, board = member(cid, Role.BOARD)
    assert len(ok(call("GET", path, token=board))["items"]) == 3


def test_residents_create_read_cancel_and_reopen_their_own(world: dict[str, Any], residents: dict[str, str]) -> None:
    token, a = world["token"], world["a"]
    tenant = residents["a_lead"]
    mine = ok(create(tenant, a["unit"]["id"]), 201)
    assert mine["created_by_role"] == "tenant" and mine["tenancy_id"] == a["tenancy"]["id"]
    assert create(tenant, world["b"]["unit"]["id"]).status == 404
    assert create(tenant, a["unit"]["id"], priority="high", priority_reason="x").status == 422
    staffs = ok(create(token, world["b"]["unit"]["id"]), 201)
    assert [o["id"] for o in ok(call("GET", "/v1/work-orders", token=tenant))["items"]] == [mine["id"]]
    assert call("GET", f"/v1/work-orders/{mine['id']}", token=residents["b_lead"]).status == 404
    assert call("GET", f"/v1/work-orders/{staffs['id']}", token=tenant).status == 404
    move = f"/v1/work-orders/{mine['id']}/transition"
    assert call("POST", move, token=tenant, json_body={"to": "scheduled"}).status == 409
    assert ok(call("POST", move, token=tenant, json_body={"to": "cancelled"}))["status"] == "cancelled"
    assert call("PATCH", f"/v1/work-orders/{mine['id']}", token=tenant, json_body={"title": "x"}).status == 403


def test_entry_needs_24_hours_and_daytime_unless_emergency_or_approved(world: dict[str, Any],
                                                                        residents: dict[str, str],
                                                                        aws_env: dict[str, Any]) -> None:
    token, a = world["token"], world["a"]
    order = ok(create(token, a["unit"]["id"]), 201)
    path = f"/v1/work-orders/{order['id']}/entry"
    soon = clock.now() + timedelta(hours=2)
    refused = ok(call("POST", path, token=token, json_body={
        "starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat()}), 422)
    assert any("notice_24_hours" in d["message"] for d in refused["error"]["details"])
    night = _toronto_day(3, 21)
    refused = ok(call("POST", path, token=token, json_body={
        "starts_at": night.isoformat(), "ends_at": (night + timedelta(hours=1)).isoformat()}), 422)
    assert any("between_8am_and_8pm" in d["message"] for d in refused["error"]["details"])
    # Two days ahead at 10:00 community time (at least 30 hours away): notice mailed to every party.
    start = _toronto_day(2, 10)
    given = ok(call("POST", path, token=token, json_body={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "reason": "repair the kitchen tap"}))
    assert datetime.fromisoformat(given["entry"]["starts_at"]) == start and given["entry"]["notice_sent_at"]
    events = ok(call("GET", f"/v1/work-orders/{order['id']}/events", token=token))["items"]
    notice = [e for e in events if e["kind"] == "entry_notice"][0]
    sent = messages(notice["message_ids"], world["community_id"])
    assert sorted(m.to for m in sent) == sorted(p["email"] for p in a["parties"])
    assert all("10:00 and 12:00" in m.text and "repair the kitchen tap" in m.text and "s. 27" in m.text
               for m in sent)
    assert notice["detail"]["basis"] == "notice"
    # The lead tenant approves a window two hours ahead; staff may then give notice of it.
    approve = f"/v1/work-orders/{order['id']}/entry/approve"
    window = {"starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat()}
    assert call("POST", approve, token=residents["a_other"], json_body=window).status == 403
    assert call("POST", approve, token=token, json_body=window).status == 403
    assert ok(call("POST", approve, token=residents["a_lead"], json_body=window))["entry"]["approved_by"]
    allowed = ok(call("POST", path, token=token, json_body=window))
    assert allowed["entry"]["approved_by"] and allowed["entry"]["notice_sent_at"]
    last = ok(call("GET", f"/v1/work-orders/{order['id']}/events", token=token))["items"][-1]
    assert last["kind"] == "entry_notice" and last["detail"]["basis"] == "tenant_approval"
    # An emergency needs no notice period.
    urgent = ok(create(token, a["unit"]["id"], answers={"flooding": True}), 201)
    assert call("POST", f"/v1/work-orders/{urgent['id']}/entry", token=token, json_body=window).status == 200


def test_an_assignee_is_staff_and_a_vendor_can_be_set_and_cleared(world: dict[str, Any]) -> None:
    token = world["token"]
    order = ok(create(token, world["a"]["unit"]["id"]), 201)
    path = f"/v1/work-orders/{order['id']}"
    manager_id, _ = member(world["community_id"], Role.MANAGER)
    board_id, _ = member(world["community_id"], Role.BOARD)
    assert ok(call("PATCH", path, token=token, json_body={"assignee_id": board_id}), 422)[
        "error"]["details"][0]["field"] == "assignee_id"
    assert call("PATCH", path, token=token, json_body={"assignee_id": "01NOBODY"}).status == 422
    vendor = {"name": "Drip Plumbing", "phone": "+14165550199"}
    changed = ok(call("PATCH", path, token=token, json_body={"assignee_id": manager_id, "vendor": vendor}))
    assert changed["assignee_id"] == manager_id and changed["vendor"]["name"] == "Drip Plumbing"
    cleared = ok(call("PATCH", path, token=token, json_body={"assignee_id": None, "vendor": None}))
    assert cleared["assignee_id"] is None and cleared["vendor"] is None
    assert call("PATCH", path, token=token, json_body={}).status == 422
    assert call("PATCH", path, token=token, json_body={"title": None}).status == 422
