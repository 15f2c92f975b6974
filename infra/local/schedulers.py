"""EventBridge locally: the spec'd rules (`ScheduledJob`) and one-time Scheduler schedules.

`RuleClock` fires each job's handler with a real "Scheduled Event" when its `rate()`/`cron()`
comes due. `OneTimeSchedules` polls the embedded EventBridge Scheduler (moto stores schedules
but never runs them) for `at()` schedules in the spec'd group and delivers each once when due:
SendMessage for an SQS target, the mapped handler for a Lambda target. Then the schedule is
deleted (ActionAfterCompletion DELETE) or remembered as fired. The timing decisions are the
pure functions of `schedule_expressions`; these threads only apply them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from infra.local.background import Background
from infra.local.config import ACCOUNT_ID, REGION
from infra.local.functions import FunctionSpec, for_job, resolve
from infra.local.lambdas import InvocationError, Invoker
from infra.local.schedule_expressions import ExpressionError, Recurring, at_due, is_one_time
from shared.spec.resources import ScheduledJob

log = logging.getLogger("infra.local.schedules")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def scheduled_event(rule_arn: str, at: datetime) -> dict[str, Any]:
    """The event an EventBridge schedule rule sends its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


@dataclass
class _Rule:
    job: ScheduledJob
    rule_arn: str
    clock: Recurring


class RuleClock(Background):
    """Fires the spec'd jobs when their rules come due (and on demand: `fire_now`)."""

    def __init__(
        self,
        jobs: tuple[ScheduledJob, ...],
        rule_arn: Callable[[str], str],
        invoker: Invoker,
        stop: threading.Event,
        tick_s: float = 1.0,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(name="rule-clock")
        now = clock()
        self._rules = {job.logical_id: _Rule(job, rule_arn(job.logical_id), Recurring.starting(job.schedule, now))
                       for job in jobs}
        self._invoker = invoker
        self._stopping = stop
        self._tick_s = tick_s
        self._clock = clock

    def next_times(self) -> dict[str, datetime | None]:
        return {name: rule.clock.next_at for name, rule in self._rules.items()}

    def run(self) -> None:
        while not self._stopping.wait(self._tick_s):
            self.tick()

    def tick(self) -> list[str]:
        """Fire every rule due now; the ids of the jobs fired."""
        fired: list[str] = []
        for name, rule in self._rules.items():
            at = rule.clock.due(self._clock())
            if at is not None:
                self._fire(rule, at)
                fired.append(name)
        return fired

    def fire_now(self, logical_id: str) -> Any:
        """Run a job at once (the dev endpoint), whatever its schedule says. KeyError if unknown."""
        rule = self._rules[logical_id]
        return self._fire(rule, self._clock())

    def _fire(self, rule: _Rule, at: datetime) -> Any:
        log.info("rule %s fired (%s)", rule.job.logical_id, rule.job.schedule)
        try:
            return self._invoker.invoke(for_job(rule.job), scheduled_event(rule.rule_arn, at))
        except InvocationError:
            return None  # logged by the invoker; EventBridge would retry asynchronously


class OneTimeSchedules(Background):
    """Delivers the one-time `at()` schedules of one Scheduler group when they come due."""

    def __init__(
        self,
        scheduler: Any,
        sqs: Any,
        group: str,
        functions: dict[str, FunctionSpec],
        stage: str,
        invoker: Invoker,
        stop: threading.Event,
        poll_s: float = 1.0,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(name="one-time-schedules")
        self._scheduler = scheduler
        self._sqs = sqs
        self._group = group
        self._functions = functions
        self._stage = stage
        self._invoker = invoker
        self._stopping = stop
        self._poll_s = poll_s
        self._clock = clock
        # (arn, last modification) of schedules done with: fired and kept, or not one-time.
        self._settled: set[tuple[str, Any]] = set()

    def run(self) -> None:
        while not self._stopping.wait(self._poll_s):
            try:
                self.poll()
            except (BotoCoreError, ClientError):
                log.exception("listing schedules of group %s failed", self._group)

    def _summaries(self) -> list[dict[str, Any]]:
        summaries: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"GroupName": self._group}
        while True:
            page = self._scheduler.list_schedules(**kwargs)
            summaries.extend(page.get("Schedules", []))
            token = page.get("NextToken")
            if not token:
                return summaries
            kwargs["NextToken"] = token

    def poll(self) -> list[str]:
        """Deliver every schedule due now; the names delivered."""
        delivered: list[str] = []
        for summary in self._summaries():
            key = (summary["Arn"], summary.get("LastModificationDate"))
            if key in self._settled or summary.get("State", "ENABLED") != "ENABLED":
                continue
            try:
                schedule = self._scheduler.get_schedule(Name=summary["Name"], GroupName=self._group)
            except ClientError:
                continue  # deleted meanwhile
            if not is_one_time(schedule["ScheduleExpression"]):
                log.warning("schedule %s (%s) is recurring: only at() schedules run locally",
                            summary["Name"], schedule["ScheduleExpression"])
                self._settled.add(key)
                continue
            try:
                due = at_due(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"),
                             self._clock(), state=schedule.get("State", "ENABLED"))
            except ExpressionError as error:
                log.error("schedule %s: %s", summary["Name"], error)
                self._settled.add(key)
                continue
            if due:
                self._deliver(schedule)
                self._complete(schedule, key)
                delivered.append(schedule["Name"])
        return delivered

    def _deliver(self, schedule: dict[str, Any]) -> None:
        target = schedule["Target"]
        arn: str = target["Arn"]
        payload = target.get("Input")
        name = schedule["Name"]
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service == "sqs":
            self._send_to_queue(name, arn, payload, target)
        elif service == "lambda":
            function = resolve(arn, self._functions, self._stage)
            if function is None:
                log.error("schedule %s targets %s, which no local function answers to", name, arn)
                return
            log.info("schedule %s fired: invoking %s", name, function.name)
            with contextlib.suppress(InvocationError):  # logged by the invoker
                self._invoker.invoke(function, _event_of(payload))
        else:
            log.warning("schedule %s targets %s: only SQS and Lambda targets are delivered locally", name, arn)

    def _send_to_queue(self, name: str, arn: str, payload: str | None, target: dict[str, Any]) -> None:
        _, _, _, _, account, queue_name = arn.split(":", 5)
        try:
            url = self._sqs.get_queue_url(QueueName=queue_name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            kwargs: dict[str, Any] = {"QueueUrl": url, "MessageBody": payload if payload is not None else "{}"}
            group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
            if group_id:
                kwargs["MessageGroupId"] = group_id
            self._sqs.send_message(**kwargs)
            log.info("schedule %s fired: message sent to %s", name, queue_name)
        except (BotoCoreError, ClientError):
            log.exception("schedule %s could not send to %s", name, arn)

    def _complete(self, schedule: dict[str, Any], key: tuple[str, Any]) -> None:
        if schedule.get("ActionAfterCompletion") == "DELETE":
            try:
                self._scheduler.delete_schedule(Name=schedule["Name"], GroupName=self._group)
                return
            except ClientError:
                log.exception("deleting completed schedule %s failed", schedule["Name"])
        self._settled.add(key)


def _event_of(payload: str | None) -> Any:
    """Scheduler passes the target Input as the event: JSON when it parses, else the string."""
    if payload is None:
        return {}
    try:
        return json.loads(payload)
    except ValueError:
        return payload
