"""The local runtime's timing decisions: rate/cron rules and one-time at() schedules, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.functions import FunctionSpec
from infra.local.schedule_expressions import (
    ExpressionError,
    Recurring,
    at_due,
    next_fire,
    parse_at,
    parse_cron,
    parse_rate,
    validate,
)
from infra.local.schedulers import RuleClock, scheduled_event
from shared.spec.resources import RESOURCES, ScheduledJob

pytestmark = pytest.mark.unit

T0 = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(1 minute)", timedelta(minutes=1)),
        ("rate(5 minutes)", timedelta(minutes=5)),
        ("rate(1 hour)", timedelta(hours=1)),
        ("rate(12 hours)", timedelta(hours=12)),
        ("rate(1 day)", timedelta(days=1)),
        ("rate(30 days)", timedelta(days=30)),
    ],
)
def test_rate_expressions(expression: str, expected: timedelta) -> None:
    assert parse_rate(expression) == expected
    assert next_fire(expression, T0) == T0 + expected


@pytest.mark.parametrize("expression", ["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(5 weeks)",
                                        "rate(five minutes)"])
def test_rate_expressions_eventbridge_rejects_are_rejected(expression: str) -> None:
    with pytest.raises(ExpressionError):
        parse_rate(expression)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 10 * * ? *)", datetime(2024, 1, 2, 10, 0, tzinfo=UTC)),  # daily at 10:00, already past today
        ("cron(30 12 * * ? *)", datetime(2024, 1, 1, 12, 30, tzinfo=UTC)),
        ("cron(0/15 * * * ? *)", datetime(2024, 1, 1, 12, 15, tzinfo=UTC)),
        ("cron(0 8 ? * 1 *)", datetime(2024, 1, 7, 8, 0, tzinfo=UTC)),  # 1 = Sunday in EventBridge
        ("cron(0 8 ? * MON-FRI *)", datetime(2024, 1, 2, 8, 0, tzinfo=UTC)),
        ("cron(0 8 ? * 2-6 *)", datetime(2024, 1, 2, 8, 0, tzinfo=UTC)),  # 2-6 = MON-FRI
        ("cron(0 18 ? * 6L *)", datetime(2024, 1, 26, 18, 0, tzinfo=UTC)),  # last Friday of the month
        ("cron(0 9 ? * 2#1 *)", datetime(2024, 2, 5, 9, 0, tzinfo=UTC)),  # first Monday (Jan 1 9:00 is past)
        ("cron(0 0 L * ? *)", datetime(2024, 1, 31, 0, 0, tzinfo=UTC)),  # last day of the month
        ("cron(0 0 1 1 ? 2026)", datetime(2026, 1, 1, 0, 0, tzinfo=UTC)),  # year field
        ("cron(0 0 1 * ? 2024-2025)", datetime(2024, 2, 1, 0, 0, tzinfo=UTC)),
    ],
)
def test_cron_next_fire(expression: str, expected: datetime) -> None:
    assert next_fire(expression, T0) == expected


def test_cron_whose_years_are_over_never_fires_again() -> None:
    assert next_fire("cron(0 0 1 1 ? 2020)", T0) is None


@pytest.mark.parametrize(
    "expression",
    ["cron(0 10 * * *)", "cron(0 10 * * * *)", "cron(0 10 ? * ? *)", "cron(0 10 15W * ? *)", "cron(99 10 * * ? *)",
     "every day", "at(2024-01-01T00:00:00)"],
)
def test_invalid_rule_expressions(expression: str) -> None:
    with pytest.raises(ExpressionError):
        validate(expression)


def test_cron_translation_for_croniter() -> None:
    cron = parse_cron("cron(0 8 ? * 1,7 2024,2025)")
    assert cron.unix == "0 8 * * 0,6"
    assert cron.years == {2024, 2025}


def test_every_spec_job_has_a_schedule_the_runtime_can_run() -> None:
    for job in RESOURCES.jobs:
        validate(job.schedule)


def test_recurring_fires_once_when_due_then_moves_on() -> None:
    rule = Recurring.starting("rate(5 minutes)", T0)
    assert rule.due(T0 + timedelta(minutes=4, seconds=59)) is None
    assert rule.due(T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=5)
    assert rule.due(T0 + timedelta(minutes=5, seconds=1)) is None
    assert rule.next_at == T0 + timedelta(minutes=10)


def test_recurring_fires_missed_periods_once() -> None:
    rule = Recurring.starting("rate(1 minute)", T0)
    assert rule.due(T0 + timedelta(hours=2, seconds=30)) == T0 + timedelta(minutes=1)
    assert rule.next_at == T0 + timedelta(hours=2, minutes=1)
    assert rule.due(T0 + timedelta(hours=2, seconds=59)) is None


def test_at_in_utc_and_in_a_timezone() -> None:
    assert parse_at("at(2024-06-01T09:00:00)") == datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    assert parse_at("at(2024-06-01T09:00:00)", "Europe/Paris") == datetime(2024, 6, 1, 7, 0, tzinfo=UTC)  # CEST
    assert parse_at("at(2024-01-01T09:00:00)", "America/New_York") == datetime(2024, 1, 1, 14, 0, tzinfo=UTC)


def test_at_due_ness() -> None:
    expression = "at(2024-01-01T12:00:10)"
    assert not at_due(expression, "UTC", T0 + timedelta(seconds=9))
    assert at_due(expression, "UTC", T0 + timedelta(seconds=10))
    assert at_due(expression, None, T0 + timedelta(days=3))  # overdue still fires (once: the caller remembers)
    assert not at_due(expression, "UTC", T0 + timedelta(days=3), state="DISABLED")
    assert not at_due("at(2024-01-01T13:00:10)", "Europe/Paris", T0 + timedelta(seconds=9))
    assert at_due("at(2024-01-01T13:00:10)", "Europe/Paris", T0 + timedelta(seconds=10))


@pytest.mark.parametrize(("expression", "zone"), [("at(2024-01-01 12:00:00)", None), ("at(2024-01-01T12:00)", None),
                                                  ("rate(1 day)", None), ("at(2024-01-01T12:00:00)", "Mars/Base")])
def test_invalid_at_expressions(expression: str, zone: str | None) -> None:
    with pytest.raises(ExpressionError):
        parse_at(expression, zone)


class RecordingInvoker:
    def __init__(self) -> None:
        self.calls: list[tuple[FunctionSpec, Any]] = []

    def invoke(self, function: FunctionSpec, event: Any, *, request_id: str | None = None) -> Any:
        self.calls.append((function, event))
        return {"ok": True}


def test_rule_clock_fires_jobs_with_a_scheduled_event_when_due() -> None:
    import threading

    now = [T0]
    job = ScheduledJob("Tidy", "rate(10 minutes)", "tests.fake.tidy", "tidy up", grants=())
    invoker = RecordingInvoker()
    clock = RuleClock((job,), lambda name: f"arn:aws:events:us-east-1:123456789012:rule/x-{name}",
                      invoker, threading.Event(), clock=lambda: now[0])  # type: ignore[arg-type]
    assert clock.tick() == []
    now[0] = T0 + timedelta(minutes=10)
    assert clock.tick() == ["Tidy"]
    assert clock.tick() == []
    function, event = invoker.calls[0]
    assert (function.name, function.handler) == ("Tidy", "tests.fake.tidy")
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/x-Tidy"]
    assert event["time"] == "2024-01-01T12:10:00Z" and event["detail"] == {}
    assert clock.fire_now("Tidy") == {"ok": True}
    with pytest.raises(KeyError):
        clock.fire_now("Nope")


def test_scheduled_event_shape() -> None:
    event = scheduled_event("arn:aws:events:us-east-1:123456789012:rule/r", T0)
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert event["account"] == "123456789012" and event["region"] == "us-east-1"
