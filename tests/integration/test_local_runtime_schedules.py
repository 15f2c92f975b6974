"""One-time `at()` schedules in EventBridge Scheduler (moto) are delivered once, when due (fixed clock)."""

from __future__ import annotations

import json
import sys
import threading
import types
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.embedded_aws import Clients
from infra.local.functions import FunctionSpec, function_arn
from infra.local.lambdas import Invoker
from infra.local.schedulers import OneTimeSchedules

pytestmark = pytest.mark.integration

GROUP = "porchlight-local-schedules"
ROLE = "arn:aws:iam::123456789012:role/porchlight-local-scheduler"
JOB = "tests.fake_local_job"
T0 = datetime(2030, 5, 1, 8, 0, 0, tzinfo=UTC)


class Harness:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.clients = Clients(None)
        self.clients("scheduler").create_schedule_group(Name=GROUP)
        self.queue_url = self.clients("sqs").create_queue(QueueName="scheduled-target")["QueueUrl"]
        self.queue_arn = self.clients("sqs").get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.events: list[Any] = []
        module = types.ModuleType(JOB)
        module.handler = lambda event, context: self.events.append(event)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, JOB, module)
        self.now = T0
        self.functions = {"RemindResidents": FunctionSpec("RemindResidents", JOB)}
        self.schedules = OneTimeSchedules(self.clients("scheduler"), self.clients("sqs"), GROUP, self.functions,
                                          "local", Invoker(), threading.Event(), clock=lambda: self.now)

    def create(self, name: str, at: str, target_arn: str, payload: Any = None, *, zone: str | None = None,
               delete: bool = True, state: str = "ENABLED") -> None:
        target: dict[str, Any] = {"Arn": target_arn, "RoleArn": ROLE}
        if payload is not None:
            target["Input"] = payload if isinstance(payload, str) else json.dumps(payload)
        kwargs: dict[str, Any] = {}
        if zone:
            kwargs["ScheduleExpressionTimezone"] = zone
        self.clients("scheduler").create_schedule(
            Name=name, GroupName=GROUP, ScheduleExpression=at, FlexibleTimeWindow={"Mode": "OFF"}, Target=target,
            ActionAfterCompletion="DELETE" if delete else "NONE", State=state, **kwargs)

    def names(self) -> list[str]:
        return [s["Name"] for s in self.clients("scheduler").list_schedules(GroupName=GROUP)["Schedules"]]

    def queued(self) -> list[str]:
        answer = self.clients("sqs").receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        return [m["Body"] for m in answer.get("Messages", [])]


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Harness:
    return Harness(monkeypatch)


def test_sqs_target_gets_the_input_when_due_and_the_schedule_is_deleted(harness: Harness) -> None:
    harness.create("notice-1", "at(2030-05-01T08:00:30)", harness.queue_arn, {"notice_id": "n1"})
    assert harness.schedules.poll() == []
    harness.now = T0 + timedelta(seconds=29)
    assert harness.schedules.poll() == []
    harness.now = T0 + timedelta(seconds=30)
    assert harness.schedules.poll() == ["notice-1"]
    assert [json.loads(b) for b in harness.queued()] == [{"notice_id": "n1"}]
    assert harness.names() == []  # ActionAfterCompletion DELETE


def test_lambda_target_runs_the_mapped_handler_once_when_kept(harness: Harness) -> None:
    harness.create("remind", "at(2030-05-01T08:00:00)", function_arn("RemindResidents"), {"community_id": "c1"},
                   delete=False)
    assert harness.schedules.poll() == ["remind"]
    harness.now = T0 + timedelta(minutes=5)
    assert harness.schedules.poll() == []  # fired already: never twice
    assert harness.events == [{"community_id": "c1"}]
    assert harness.names() == ["remind"]


def test_schedule_timezone_is_honoured(harness: Harness) -> None:
    # 10:00 in Paris (CEST, UTC+2) is 08:00 UTC.
    harness.create("paris", "at(2030-05-01T10:00:00)", harness.queue_arn, "hello", zone="Europe/Paris")
    harness.now = T0 - timedelta(seconds=1)
    assert harness.schedules.poll() == []
    harness.now = T0
    assert harness.schedules.poll() == ["paris"]
    assert harness.queued() == ["hello"]


def test_disabled_recurring_and_unknown_targets(harness: Harness) -> None:
    harness.create("off", "at(2030-05-01T07:00:00)", harness.queue_arn, "x", state="DISABLED")
    harness.create("recurring", "rate(5 minutes)", harness.queue_arn, "x")
    harness.create("ghost", "at(2030-05-01T07:00:00)", function_arn("NoSuchFunction"), {}, delete=False)
    assert harness.schedules.poll() == ["ghost"]  # delivered nowhere (logged), but done with
    assert harness.schedules.poll() == []
    assert harness.queued() == [] and harness.events == []
    assert sorted(harness.names()) == ["ghost", "off", "recurring"]


def test_updated_schedule_fires_again(harness: Harness) -> None:
    harness.create("again", "at(2030-05-01T08:00:00)", harness.queue_arn, "first", delete=False)
    assert harness.schedules.poll() == ["again"]
    harness.clients("scheduler").update_schedule(
        Name="again", GroupName=GROUP, ScheduleExpression="at(2030-05-01T09:00:00)",
        FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": harness.queue_arn, "RoleArn": ROLE, "Input": "second"})
    assert harness.schedules.poll() == []
    harness.now = T0 + timedelta(hours=1)
    assert harness.schedules.poll() == ["again"]
    assert sorted(harness.queued()) == ["first", "second"]
