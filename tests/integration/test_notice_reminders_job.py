"""The `NoticeReminders` job on moto: served notices turn effective on their date; a due reminder is mailed
once, not before 08:00 community time, caught up after missed runs, and never again when run twice; the
sample events drive the scheduled function and the queue worker."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from functions.jobs import notice_reminders as job_function
from functions.workers import notice_reminders as worker
from shared.community import repository as communities
from shared.notices_service import job, repository
from shared.notices_service.models import ReminderStatus
from shared.platform import clock
from shared.spec.resources import NOTICE_QUEUE, PRIORITY_OUTBOX_QUEUE
from tests.integration.test_notices_api import post, world  # noqa: F401  (the fixture)
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext, call
from tests.support.properties import ok

pytestmark = pytest.mark.integration


def travel_to(community_id: str, day: Any, hour: int) -> None:
    community = communities.get_community(community_id)
    zone = ZoneInfo((community.timezone if community else None) or "UTC")
    target = datetime.combine(day, time(hour, 30), zone)
    clock.travel(0)
    clock.travel((target - clock.now()).total_seconds())


def outbox_count(aws_env: dict[str, Any]) -> int:
    sqs, url = boto3.client("sqs"), aws_env["queues"][PRIORITY_OUTBOX_QUEUE.logical_id]
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(found["Attributes"]["ApproximateNumberOfMessages"])


def run_job(aws_env: dict[str, Any]) -> int:
    """Fire the scheduled function and drain its queue through the worker; the messages handled."""
    from infra.local.sqs_poller import sqs_record

    sqs, url = boto3.client("sqs"), aws_env["queues"][NOTICE_QUEUE.logical_id]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert job_function.handler(load("scheduled-notice-reminders.json"), FakeContext())["communities"] >= 1  # type: ignore[arg-type]
    handled = 0
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        answer = worker.handler({"Records": [sqs_record(m, arn) for m in batch]}, FakeContext())  # type: ignore[arg-type]
        assert answer == {"batchItemFailures": []}, answer
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handled += len(batch)
    return handled


def test_reminders_mailed_once_from_eight_and_notices_turn_effective(world: dict[str, Any],  # noqa: F811
                                                                    aws_env: dict[str, Any]) -> None:
    token, cid, m = world["token"], world["community_id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": world["tenancy"]["id"]}), 201)
    served = ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(),
                                                                  "service_method": "mail"}))
    l1 = next(r for r in served["reminders"] if r["kind"] == "l1_window")
    due = datetime.fromisoformat(l1["due_on"]).date()
    # Before the due day: the notice (termination date already past) turns effective; nothing is mailed.
    before = outbox_count(aws_env)
    assert job.handle(cid).effective == 1
    assert ok(call("GET", f"/v1/notices/{notice['id']}", token=token))["status"] == "effective"
    assert job.handle(cid).effective == 0  # the marker is gone: idempotent
    # The due day at 07:30 community time: nothing at night.
    travel_to(cid, due, 7)
    night = job.handle(cid)
    assert night.skipped_night and night.sent == 0 and outbox_count(aws_env) == before
    # Two days later at 09:30 (the due day's runs were missed): caught up, mailed once; run twice, once.
    travel_to(cid, due + timedelta(days=2), 9)
    assert run_job(aws_env) >= 1
    assert outbox_count(aws_env) == before + 1
    assert run_job(aws_env) >= 1
    assert outbox_count(aws_env) == before + 1
    # (the access token has expired by now: read the store)
    statuses = {r.kind: r.status for r in repository.reminders_of(cid, notice["id"])}
    assert statuses["l1_window"] == "sent"
    sent, _ = repository.reminders_page(cid, status=ReminderStatus.SENT, due_before=None, limit=10, after=None)
    assert [r.id for r in sent] == [l1["id"]]


def test_a_claimed_reminder_is_not_mailed_again_and_a_failed_send_returns_it(world: dict[str, Any],  # noqa: F811
                                                                             aws_env: dict[str, Any],
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    token, cid, m = world["token"], world["community_id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": world["tenancy"]["id"]}), 201)
    served = ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(),
                                                                  "service_method": "hand"}))
    l1 = next(r for r in served["reminders"] if r["kind"] == "l1_window")
    travel_to(cid, datetime.fromisoformat(l1["due_on"]).date(), 10)
    from shared.notices_service import mail

    def broken(reminder: Any) -> list[str]:
        raise RuntimeError("outbox down")

    monkeypatch.setattr(mail, "send_reminder", broken)
    with pytest.raises(RuntimeError):
        job.handle(cid)
    pending, _ = repository.reminders_page(cid, status=ReminderStatus.PENDING, due_before=None, limit=10, after=None)
    assert l1["id"] in [r.id for r in pending]
    monkeypatch.undo()
    assert job.handle(cid).sent == 1
    assert job.handle(cid).sent == 0


def test_notice_sample_events(aws_env: dict[str, Any]) -> None:
    record = load("sqs-notice-reminders.json")
    record["Records"][0]["body"] = json.dumps({"nonsense": True})
    assert worker.handler(record, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert job_function.handler(load("scheduled-notice-reminders.json"), FakeContext()) == {"communities": 0}  # type: ignore[arg-type]
