"""Property health: counter deltas per order change, the score's rules, the 12-month window, seasonal tasks."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.maintenance.counters import MAX_EVIDENCE, CategoryMonth, Delta, OrderSnapshot, apply, delta, month_of
from shared.maintenance.health import (
    SEASONAL_TASKS,
    RiskKind,
    SeasonalTask,
    TaskRule,
    health,
    seasonal_status,
    task_done_by,
    window,
)
from shared.maintenance.models import Category, Priority, Status

pytestmark = pytest.mark.unit

C, P, S = Category, Priority, Status
ZONE = "America/Toronto"
AT = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
CREATED = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
Rows = dict[tuple[str, Category], CategoryMonth]


def order(n: int, category: Category = C.PLUMBING, priority: Priority = P.MEDIUM, status: Status = S.OPEN,
          created: datetime = CREATED, went_overdue: bool = False) -> OrderSnapshot:
    return OrderSnapshot(id=f"WO{n:04d}", category=category, priority=priority, status=status, created_at=created,
                         went_overdue=went_overdue)


def fold(*changes: tuple[OrderSnapshot | None, OrderSnapshot | None], rows: Rows | None = None) -> Rows:
    rows = {} if rows is None else rows
    for before, after in changes:
        for change in delta(before, after, ZONE):
            apply(rows, change)
    return rows


# --- counters -----------------------------------------------------------------------------------------------

def test_create_counts_the_order_and_an_emergency_is_open() -> None:
    [change] = delta(None, order(1, priority=P.EMERGENCY), ZONE)
    assert (change.month, change.category, change.opened, change.emergencies, change.overdue) == (
        "2026-11", C.PLUMBING, 1, 1, 0)
    assert change.add["order_ids"] == {"WO0001"} and change.add["open_emergency_ids"] == {"WO0001"}


@pytest.mark.parametrize(("before", "after", "expected"), [
    (order(1, priority=P.EMERGENCY), order(1, priority=P.EMERGENCY, status=S.COMPLETED),
     {"remove": {"open_emergency_ids": {"WO0001"}}}),
    (order(1, priority=P.EMERGENCY, status=S.COMPLETED), order(1, priority=P.EMERGENCY, status=S.OPEN),
     {"add": {"open_emergency_ids": {"WO0001"}}}),  # a reopened emergency is open again
    (order(1, priority=P.HIGH), order(1, priority=P.EMERGENCY),
     {"emergencies": 1, "add": {"open_emergency_ids": {"WO0001"}}}),
    (order(1, priority=P.EMERGENCY), order(1, priority=P.HIGH),
     {"emergencies": -1, "remove": {"open_emergency_ids": {"WO0001"}}}),
    (order(1), order(1, went_overdue=True), {"overdue": 1, "add": {"overdue_ids": {"WO0001"}}}),
    (order(1, went_overdue=True), order(1, went_overdue=True, status=S.CANCELLED),
     {"opened": -1, "overdue": -1, "remove": {"order_ids": {"WO0001"}, "overdue_ids": {"WO0001"}}}),
], ids=["completed", "reopened", "raised-to-emergency", "lowered", "went-overdue", "cancelled"])
def test_one_change_one_row_delta(before: OrderSnapshot, after: OrderSnapshot, expected: dict[str, object]) -> None:
    [change] = delta(before, after, ZONE)
    want = Delta("2026-11", C.PLUMBING)
    for name, value in expected.items():
        setattr(want, name, value)
    assert (change.opened, change.emergencies, change.overdue) == (want.opened, want.emergencies, want.overdue)
    assert {k: v for k, v in change.add.items() if v} == want.add
    assert {k: v for k, v in change.remove.items() if v} == want.remove


def test_a_write_that_changes_nothing_counted_is_no_delta() -> None:
    assert delta(order(1), order(1, status=S.SCHEDULED), ZONE) == []
    assert delta(order(1, status=S.CANCELLED), order(1, status=S.CANCELLED), ZONE) == []


def test_a_category_change_moves_the_order_between_rows() -> None:
    changes = {c.category: c for c in delta(order(1, priority=P.EMERGENCY),
                                            order(1, category=C.HEATING, priority=P.EMERGENCY), ZONE)}
    assert changes[C.PLUMBING].opened == -1 and changes[C.PLUMBING].remove["open_emergency_ids"] == {"WO0001"}
    assert changes[C.HEATING].opened == 1 and changes[C.HEATING].add["open_emergency_ids"] == {"WO0001"}


def test_the_month_is_the_communitys() -> None:
    assert month_of(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), ZONE) == "2026-11"  # 22:00 on 30 November
    assert month_of(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), "UTC") == "2026-12"


def test_evidence_is_capped_but_counts_are_not() -> None:
    rows = fold(*((None, order(n)) for n in range(15)))
    row = rows[("2026-11", C.PLUMBING)]
    assert row.opened == 15 and len(row.order_ids) == MAX_EVIDENCE


def test_rows_are_the_sum_over_orders_whatever_the_history() -> None:
    """Fold random lifecycles change by change; the rows equal the final states' contributions."""
    rng = random.Random(13)
    rows: Rows = {}
    finals: list[OrderSnapshot] = []
    for n in range(120):
        created = AT - timedelta(days=rng.randrange(0, 330))
        state = order(n, rng.choice(list(C)), rng.choice(list(P)), S.OPEN, created)
        fold((None, state), rows=rows)
        for _ in range(rng.randrange(0, 5)):
            nxt = OrderSnapshot(state.id, rng.choice([state.category] * 4 + list(C)),
                                rng.choice([state.priority] * 3 + list(P)),
                                rng.choice([S.SCHEDULED, S.IN_PROGRESS, S.COMPLETED, S.OPEN, S.CLOSED]),
                                state.created_at, state.went_overdue or rng.random() < 0.2)
            if state.status is S.CANCELLED:
                break
            if rng.random() < 0.1:
                nxt = OrderSnapshot(nxt.id, nxt.category, nxt.priority, S.CANCELLED, nxt.created_at,
                                    nxt.went_overdue)
            fold((state, nxt), rows=rows)
            state = nxt
        finals.append(state)
    expected = fold(*((None, s) for s in finals))
    for key in set(rows) | set(expected):
        got, want = rows.get(key), expected.get(key)
        got_counts = (got.opened, got.emergencies, got.overdue, got.open_emergency_ids) if got else (0, 0, 0, set())
        want_counts = (want.opened, want.emergencies, want.overdue, want.open_emergency_ids) if want else (
            0, 0, 0, set())
        assert got_counts == want_counts, key
    assert len(rows) <= len(C) * 12  # bounded by categories × months, not by orders


# --- score -----------------------------------------------------------------------------------------------

def test_a_quiet_property_scores_100() -> None:
    result = health([], {SeasonalTask.HEATING_SERVICED: date(2026, 9, 1), SeasonalTask.WINTERIZED: date(2026, 10, 20)},
                    at=AT, zone=ZONE)
    assert result.score == 100 and result.risks == ()
    assert [(s.task, s.due_by, s.status) for s in result.seasonal] == [
        (SeasonalTask.HEATING_SERVICED, date(2026, 9, 30), "done"),
        (SeasonalTask.WINTERIZED, date(2026, 10, 31), "done"),
    ]


DONE_ALL = {SeasonalTask.HEATING_SERVICED: date(2026, 9, 1), SeasonalTask.WINTERIZED: date(2026, 10, 20)}


@pytest.mark.parametrize(("count", "points"), [(1, 0), (2, 0), (3, 5), (4, 10), (6, 20), (9, 20)])
def test_repeats_by_category(count: int, points: int) -> None:
    rows = fold(*((None, order(n)) for n in range(count)))
    result = health(rows.values(), DONE_ALL, at=AT, zone=ZONE)
    assert result.score == 100 - points
    repeats = [r for r in result.risks if r.kind is RiskKind.REPEAT]
    assert len(repeats) == (1 if points else 0)
    if repeats:
        assert repeats[0].category is C.PLUMBING and repeats[0].recommendation
        assert set(repeats[0].evidence) <= {f"WO{n:04d}" for n in range(count)}
        assert len(repeats[0].evidence) == min(count, MAX_EVIDENCE)


def test_repeat_evidence_is_newest_month_first() -> None:
    rows = fold((None, order(1, created=datetime(2026, 3, 5, tzinfo=UTC))),
                (None, order(2, created=datetime(2026, 11, 5, tzinfo=UTC))),
                (None, order(3, created=datetime(2026, 7, 5, tzinfo=UTC))))
    [risk] = health(rows.values(), DONE_ALL, at=AT, zone=ZONE).risks
    assert risk.evidence == ("WO0002", "WO0003", "WO0001")


def test_the_window_is_twelve_months_in_community_time() -> None:
    assert window(date(2026, 11, 30))[::11] == ["2026-11", "2025-12"]
    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # still 30 November in Toronto
    inside = [order(n, created=datetime(2025, 12, 15, tzinfo=UTC)) for n in range(3)]
    outside = [order(10 + n, created=datetime(2025, 11, 15, tzinfo=UTC)) for n in range(3)]
    rows = fold(*((None, o) for o in inside + outside))
    repeats = [r for r in health(rows.values(), DONE_ALL, at=at, zone=ZONE).risks if r.kind is RiskKind.REPEAT]
    assert [len(r.evidence) for r in repeats] == [3]
    later = [r for r in health(rows.values(), DONE_ALL, at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC), zone=ZONE).risks
             if r.kind is RiskKind.REPEAT]
    assert later == []  # in December, December 2025 has left the window


def test_open_emergencies_cost_15_each_up_to_45_and_are_all_listed() -> None:
    rows = fold(*((None, order(n, category=cat, priority=P.EMERGENCY))
                  for n, cat in enumerate([C.PLUMBING, C.ELECTRICAL, C.HEATING, C.STRUCTURAL])))
    result = health(rows.values(), DONE_ALL, at=AT, zone=ZONE)
    emergencies = [r for r in result.risks if r.kind is RiskKind.OPEN_EMERGENCY]
    assert len(emergencies) == 4 and sum(r.points for r in emergencies) == 45
    assert result.score == 55
    assert {e for r in emergencies for e in r.evidence} == {"WO0000", "WO0001", "WO0002", "WO0003"}
    done = fold((order(0, category=C.PLUMBING, priority=P.EMERGENCY),
                 order(0, category=C.PLUMBING, priority=P.EMERGENCY, status=S.COMPLETED)), rows=rows)
    assert health(done.values(), DONE_ALL, at=AT, zone=ZONE).score == 55  # three still open: 45 (capped)


def test_overdue_orders_cost_3_each_up_to_24() -> None:
    for late, points in ((1, 3), (2, 6), (8, 24), (12, 24)):
        rows = fold(*((None, order(n, category=list(C)[n % 8], went_overdue=True)) for n in range(late)))
        result = health(rows.values(), DONE_ALL, at=AT, zone=ZONE)
        overdue = [r for r in result.risks if r.kind is RiskKind.OVERDUE]
        assert sum(r.points for r in overdue) == points and len(overdue) == min(late, 8)
        assert all(r.evidence for r in overdue)


def test_the_score_never_goes_below_zero_and_risks_come_most_points_first() -> None:
    many = [order(n, category=list(C)[n % 8], priority=P.EMERGENCY, went_overdue=True) for n in range(40)]
    result = health(fold(*((None, o) for o in many)).values(), {}, at=AT, zone=ZONE)
    assert result.score == 0
    points = [r.points for r in result.risks]
    assert points == sorted(points, reverse=True)


def test_health_is_deterministic() -> None:
    rows = fold(*((None, order(n, went_overdue=n % 2 == 0)) for n in range(5)))
    assert health(rows.values(), {}, at=AT, zone=ZONE) == health(list(rows.values()), {}, at=AT, zone=ZONE)


HEATING, WINTER = SEASONAL_TASKS
SEASONAL = [
    ("heating-missed-in-december", HEATING, date(2026, 12, 2), None, date(2026, 9, 30), "missed"),
    ("heating-done-in-september", HEATING, date(2026, 12, 2), date(2026, 9, 10), date(2026, 9, 30), "done"),
    ("heating-done-late-counts", HEATING, date(2026, 12, 2), date(2026, 10, 15), date(2026, 9, 30), "done"),
    ("heating-done-last-spring-is-too-early", HEATING, date(2026, 12, 2), date(2026, 5, 20), date(2026, 9, 30),
     "missed"),
    ("heating-due-on-30-sep", HEATING, date(2026, 9, 30), None, date(2026, 9, 30), "due"),
    ("heating-missed-on-1-oct", HEATING, date(2026, 10, 1), None, date(2026, 9, 30), "missed"),
    ("heating-last-cycle-until-31-may", HEATING, date(2027, 5, 31), None, date(2026, 9, 30), "missed"),
    ("heating-new-cycle-1-jun", HEATING, date(2027, 6, 1), date(2026, 9, 1), date(2027, 9, 30), "due"),
    ("winterized-due-31-oct", WINTER, date(2026, 10, 31), None, date(2026, 10, 31), "due"),
    ("winterized-missed-1-nov", WINTER, date(2026, 11, 1), None, date(2026, 10, 31), "missed"),
    ("winterized-done", WINTER, date(2026, 11, 1), date(2026, 10, 2), date(2026, 10, 31), "done"),
    ("winterized-july-is-last-cycle", WINTER, date(2027, 7, 31), date(2026, 10, 2), date(2026, 10, 31), "done"),
]


@pytest.mark.parametrize(("rule", "today", "done_on", "due_by", "status"), [c[1:] for c in SEASONAL],
                         ids=[c[0] for c in SEASONAL])
def test_seasonal_tasks(rule: TaskRule, today: date, done_on: date | None, due_by: date, status: str) -> None:
    result = seasonal_status(rule, today, done_on)
    assert (result.due_by, result.status) == (due_by, status)


def test_missed_seasonal_tasks_are_risks_worth_10_each() -> None:
    result = health([], {}, at=AT, zone=ZONE)
    assert result.score == 80
    assert {(r.kind, r.category) for r in result.risks} == {(RiskKind.SEASONAL, C.HEATING),
                                                             (RiskKind.SEASONAL, C.PLUMBING)}
    assert all(r.recommendation and r.evidence == () for r in result.risks)


DONE_BY = [
    ("heating-on-1-jun-opens", C.HEATING, date(2026, 6, 1), SeasonalTask.HEATING_SERVICED),
    ("heating-on-30-sep-closes", C.HEATING, date(2026, 9, 30), SeasonalTask.HEATING_SERVICED),
    ("heating-on-31-may-too-early", C.HEATING, date(2026, 5, 31), None),
    ("heating-on-1-oct-too-late", C.HEATING, date(2026, 10, 1), None),
    ("heating-in-january-is-a-repair", C.HEATING, date(2027, 1, 15), None),
    ("plumbing-on-1-aug-opens", C.PLUMBING, date(2026, 8, 1), SeasonalTask.WINTERIZED),
    ("plumbing-on-31-oct-closes", C.PLUMBING, date(2026, 10, 31), SeasonalTask.WINTERIZED),
    ("plumbing-on-1-nov-too-late", C.PLUMBING, date(2026, 11, 1), None),
    ("plumbing-in-july-too-early", C.PLUMBING, date(2026, 7, 31), None),
    ("electrical-never-counts", C.ELECTRICAL, date(2026, 9, 1), None),
    ("other-never-counts", C.OTHER, date(2026, 10, 1), None),
]


@pytest.mark.parametrize(("category", "day", "task"), [c[1:] for c in DONE_BY], ids=[c[0] for c in DONE_BY])
def test_a_completion_counts_as_seasonal_work_only_inside_its_window(category: Category, day: date,
                                                                     task: SeasonalTask | None) -> None:
    assert task_done_by(category, day) == task


def test_recorded_seasonal_work_clears_its_risk() -> None:
    done = {SeasonalTask.HEATING_SERVICED: date(2026, 9, 12), SeasonalTask.WINTERIZED: date(2026, 10, 20)}
    result = health([], done, at=AT, zone=ZONE)
    assert result.score == 100 and not result.risks
    assert [(s.task, s.status, s.done_on) for s in result.seasonal] == [
        (SeasonalTask.HEATING_SERVICED, "done", date(2026, 9, 12)),
        (SeasonalTask.WINTERIZED, "done", date(2026, 10, 20))]
