"""The demo work orders `make dev` seeds in the rental community: one emergency, one overdue; idempotent."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from shared.community import repository as communities
from shared.demo import rentals as demo
from shared.identity import repository as identity_repository
from shared.maintenance import demo as work_order_demo
from shared.maintenance import workorders
from shared.platform.context import Caller
from shared.spec.permissions import Role

pytestmark = pytest.mark.integration


def test_the_demo_has_an_emergency_and_an_overdue_order(aws_env: dict[str, Any]) -> None:
    seeded = demo.seed()
    community = communities.community_by_slug(seeded.slug)
    assert community is not None
    ids = work_order_demo.seed(community.id, seeded.admin_email)
    assert len(ids) == 4
    assert work_order_demo.seed(community.id, seeded.admin_email) == []  # idempotent
    admin = identity_repository.user_by_email(community.id, seeded.admin_email)
    assert admin is not None
    caller = Caller(user_id=admin.id, community_id=community.id, role=Role.ADMIN, session_id="test")
    orders = workorders.list_orders(caller).items
    assert {o.id for o in orders} == set(ids)
    assert [o.priority for o in orders if o.priority == "emergency"] == ["emergency"]
    assert [o.title for o in orders if o.overdue] == ["Ceiling leak in the bathroom"]
    assert {o.status for o in orders} == {"open", "scheduled", "completed"}
    # The completed furnace service recorded the heating service: the property's health shows it done.
    from shared.community import service as community_service

    prop = next(o.property_id for o in orders)
    health = workorders.property_health(caller, prop, settings_of=community_service.settings_of)
    assert {s.task: s.status for s in health.seasonal}["heating_serviced"] == "done"
    # The emergency texted the demo's on-call phone (recorded in the outbox, once).
    items = boto3.client("dynamodb").scan(TableName=aws_env["table"])["Items"]
    sms = [i for i in items if i.get("type", {}).get("S") == "message" and i["channel"]["S"] == "sms"]
    assert [i["to"]["S"] for i in sms] == [work_order_demo.ON_CALL_PHONE]


def test_the_overdue_leak_has_a_photo_the_worker_makes_ready(aws_env: dict[str, Any]) -> None:
    from functions.workers import verify_work_order_files
    from infra.local.sqs_poller import sqs_record
    from shared.maintenance import file_repository
    from tests.support.api import FakeContext

    seeded = demo.seed()
    community = communities.community_by_slug(seeded.slug)
    assert community is not None
    ids = work_order_demo.seed(community.id, seeded.admin_email)
    stored = {i: workorders.repository.get(community.id, i) for i in ids}
    leak = next(i for i, order in stored.items() if order is not None and order.title.startswith("Ceiling"))
    (photo,) = file_repository.of_order(community.id, leak)
    assert (photo.status, photo.kind, photo.filename) == ("pending", "image", "bathroom-ceiling.jpg")
    sqs, url = boto3.client("sqs"), aws_env["queues"]["WorkOrderFiles"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    answer = verify_work_order_files.handler({"Records": [sqs_record(m, arn) for m in messages]}, FakeContext())
    assert answer == {"batchItemFailures": []}
    (ready,) = file_repository.of_order(community.id, leak)
    assert ready.status == "ready" and ready.has_thumbnail
