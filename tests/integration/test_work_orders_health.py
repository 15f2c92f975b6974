"""`GET /v1/properties/{id}/health` on moto: the counters follow every order change, the score reads only
them (the same DynamoDB calls for 10 orders as for 500), and scoping is the properties'."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.maintenance import counters, repository
from shared.maintenance.models import Category, Priority
from shared.maintenance.orders import OrderEvent, Triage, WorkOrder
from shared.platform import clock, ids
from shared.spec.permissions import Role
from tests.integration.test_property_scope import assign, member
from tests.integration.test_work_orders_api import create, world  # noqa: F401 - the fixture
from tests.support.api import call
from tests.support.properties import new_property, ok

pytestmark = pytest.mark.integration




def test_the_counters_follow_the_orders(world: dict[str, Any]) -> None:  # noqa: F811
    token, a = world["token"], world["a"]
    path = f"/v1/properties/{a['property']['id']}/health"
    clean = ok(call("GET", path, token=token))
    assert not [r for r in clean["risks"] if r["kind"] != "seasonal"]
    taps = [ok(create(token, a["unit"]["id"]), 201)["id"] for _ in range(3)]
    gas = ok(create(token, a["unit"]["id"], category="appliance", answers={"gas_smell": True}), 201)
    found = ok(call("GET", path, token=token))
    risks = {(r["kind"], r["category"]): r for r in found["risks"]}
    repeat = risks[("repeat", "plumbing")]
    assert repeat["points"] == 5 and sorted(repeat["evidence"]) == sorted(taps)
    emergency = risks[("open_emergency", "appliance")]
    assert emergency["points"] == 15 and emergency["evidence"] == [gas["id"]]
    seasonal = sum(r["points"] for r in found["risks"] if r["kind"] == "seasonal")
    assert found["score"] == 100 - 5 - 15 - seasonal
    # Cancelling one plumbing order and completing the emergency move the rows.
    ok(call("POST", f"/v1/work-orders/{taps[0]}/transition", token=token, json_body={"to": "cancelled"}))
    for to in ("in_progress", "completed"):
        ok(call("POST", f"/v1/work-orders/{gas['id']}/transition", token=token, json_body={"to": to}))
    after = ok(call("GET", path, token=token))
    assert not [r for r in after["risks"] if r["kind"] != "seasonal"]
    # A category change moves the order between rows.
    ok(call("PATCH", f"/v1/work-orders/{gas['id']}", token=token, json_body={"category": "plumbing"}))
    moved = {(r["kind"], r["category"]): r for r in ok(call("GET", path, token=token))["risks"]}
    assert moved[("repeat", "plumbing")]["evidence"] and ("repeat", "appliance") not in moved


def test_health_is_scoped_like_the_property(world: dict[str, Any]) -> None:  # noqa: F811
    a, b = world["a"], world["b"]
    owner_id, owner = member(world["community_id"], Role.PROPERTY_OWNER)
    ok(assign(world, owner_id, [a["property"]["id"]]))
    assert call("GET", f"/v1/properties/{a['property']['id']}/health", token=owner).status == 200
    assert call("GET", f"/v1/properties/{b['property']['id']}/health", token=owner).status == 404
    assert call("GET", "/v1/properties/01NOSUCHPROPERTY/health", token=world["token"]).status == 404
    _, tenant = member(world["community_id"], Role.TENANT)
    assert call("GET", f"/v1/properties/{a['property']['id']}/health", token=tenant).status == 403


def _stored_orders(community_id: str, property_id: str, n: int) -> None:
    """`n` orders written by the storage path the service uses (order, event, counter rows)."""
    now = clock.now()
    for i in range(n):
        created = now - timedelta(days=(i * 7) % 330)
        priority = Priority.EMERGENCY if i % 25 == 0 else Priority.LOW
        order = WorkOrder(id=ids.new_id(), community_id=community_id, number=i + 1, property_id=property_id,
                          title="t", description="d", category=list(Category)[i % 3],
                          triage=Triage(severity=priority), priority=priority, due_at=created + timedelta(hours=4),
                          created_by="seed", created_by_role="admin", created_at=created, updated_at=created)
        event = OrderEvent(id=ids.new_id(), work_order_id=order.id, kind="created", at=created)
        snapshot = counters.OrderSnapshot(id=order.id, category=order.category, priority=order.priority,
                                          status=order.status, created_at=order.created_at)
        repository.create(order, event, counters.delta(None, snapshot, "America/Toronto"))


def test_the_health_read_costs_the_same_for_10_and_500_orders(world: dict[str, Any],  # noqa: F811
                                                              dynamodb_calls: list[str]) -> None:
    token, cid = world["token"], world["community_id"]
    few, many = new_property(token, "Few"), new_property(token, "Many")
    _stored_orders(cid, few["id"], 10)
    _stored_orders(cid, many["id"], 500)
    costs = []
    for prop in (few, many):
        dynamodb_calls.clear()
        answer = ok(call("GET", f"/v1/properties/{prop['id']}/health", token=token))
        costs.append(sorted(dynamodb_calls))
        assert any(r["kind"] == "repeat" for r in answer["risks"])
    assert costs[0] == costs[1], costs
    assert costs[0].count("Query") == 1
    # Evidence stays small however many orders there were.
    rows = repository.health_rows(cid, many["id"], "2000-01")
    assert sum(r.opened for r in rows) == 500 and all(len(r.order_ids) <= counters.MAX_EVIDENCE for r in rows)


def test_the_sla_watch_notes_and_mails_each_overdue_order_once(world: dict[str, Any],  # noqa: F811
                                                               aws_env: dict[str, Any]) -> None:
    import boto3

    from functions.workers import work_order_sla
    from shared.maintenance import sla_watch
    from tests.support.api import FakeContext

    token, a, cid = world["token"], world["a"], world["community_id"]
    leak = ok(create(token, a["unit"]["id"], answers={"active_leak": True}), 201)  # due in 24 hours
    tap = ok(create(token, a["unit"]["id"]), 201)  # due in 192 hours
    manager_id, _ = member(cid, Role.MANAGER)
    ok(call("PATCH", f"/v1/work-orders/{tap['id']}", token=token, json_body={"assignee_id": manager_id}))
    assert sla_watch.watch_community(cid) == 0  # nothing is late yet
    later = clock.now() + timedelta(hours=25)
    assert sla_watch.watch_community(cid, later) == 1
    assert sla_watch.watch_community(cid, later) == 0  # noted once: a rerun mails nobody
    events = ok(call("GET", f"/v1/work-orders/{leak['id']}/events", token=token))["items"]
    overdue = [e for e in events if e["kind"] == "overdue"]
    assert len(overdue) == 1 and len(overdue[0]["message_ids"]) == 1  # no managers: the admin is mailed
    # The health counters now hold it as overdue evidence.
    health = ok(call("GET", f"/v1/properties/{a['property']['id']}/health", token=token))
    assert [r["evidence"] for r in health["risks"] if r["kind"] == "overdue"] == [[leak["id"]]]
    # Much later the assigned one is mailed to its assignee, through the queue's worker.
    from shared.identity import repository as identity

    manager = identity.get_user(cid, manager_id)
    assert manager is not None
    assert sla_watch.schedule() >= 1
    sqs, url = boto3.client("sqs"), aws_env["queues"]["WorkOrderSla"]
    records = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    body = next(r["Body"] for r in records if cid in r["Body"])
    assert sla_watch.handle(body, clock.now() + timedelta(hours=200)) == {"community_id": cid, "noted": 1}
    event = {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": body, "attributes": {},
                          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1"},
                         {"messageId": "m2", "receiptHandle": "r", "body": "not json", "attributes": {},
                          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1"}]}
    assert work_order_sla.handler(event, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    tap_events = ok(call("GET", f"/v1/work-orders/{tap['id']}/events", token=token))["items"]
    (noted,) = [e for e in tap_events if e["kind"] == "overdue"]
    from shared.messaging import repository as messages

    sent = messages.get_many(cid, noted["message_ids"])
    assert [m.to for m in sent.values()] == [manager.email]


def test_the_sla_watch_sample_events(world: dict[str, Any], aws_env: dict[str, Any]) -> None:  # noqa: F811
    """events/scheduled-work-order-sla-watch.json and sqs-work-order-sla.json through their handlers."""
    import json

    from functions.jobs import work_order_sla_watch as job
    from functions.workers import work_order_sla as worker
    from tests.integration.test_sample_events import load
    from tests.support.api import FakeContext

    assert job.handler(load("scheduled-work-order-sla-watch.json"), FakeContext())["communities"] >= 1  # type: ignore[arg-type]
    record = load("sqs-work-order-sla.json")
    record["Records"][0]["body"] = json.dumps({"community_id": world["community_id"]})
    assert worker.handler(record, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]


def test_a_heating_order_completed_in_its_window_records_the_service(world: dict[str, Any],  # noqa: F811
                                                                    dynamodb_calls: list[str]) -> None:
    """Completing a heating order between 1 June and 30 September (community time) records the heating
    service in the order's transaction; the health read still costs one Query and shows it done. A heating
    repair completed in December records nothing."""
    from datetime import UTC, datetime

    from shared.community import service as community
    from shared.maintenance import workorders
    from shared.maintenance.schemas import TransitionRequest
    from shared.platform.context import Caller

    token, a = world["token"], world["a"]
    pid = a["property"]["id"]
    caller = Caller(user_id=world["admin"]["user"]["id"], community_id=world["community_id"], role=Role.ADMIN,
                    session_id="s")
    september = datetime(2026, 9, 15, 16, 0, tzinfo=UTC)
    december = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)

    def complete(order_id: str, at: datetime) -> None:
        for to in ("in_progress", "completed"):
            workorders.transition(caller, order_id, TransitionRequest(to=to), at=at)  # type: ignore[arg-type]

    def heating(at: datetime) -> dict[str, Any]:
        result = workorders.property_health(caller, pid, settings_of=community.settings_of, at=at)
        return next(s.model_dump() for s in result.seasonal if s.task == "heating_serviced")

    assert heating(december)["status"] == "missed"
    repair = ok(create(token, a["unit"]["id"], category="heating", title="Thermostat"), 201)
    complete(repair["id"], december)
    assert heating(december)["status"] == "missed"  # a December repair is not the service
    service = ok(create(token, a["unit"]["id"], category="heating", title="Furnace service"), 201)
    complete(service["id"], september)
    dynamodb_calls.clear()
    found = heating(december)
    assert (found["status"], str(found["done_on"])) == ("done", "2026-09-15")
    assert dynamodb_calls.count("Query") == 1, dynamodb_calls
