"""The status machine, pair by pair, for staff and residents; reopen counting and the 14-day window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.maintenance.models import Status
from shared.maintenance.transitions import (
    TRANSITIONS,
    Actor,
    OrderState,
    TransitionRefused,
    actor_for,
    allowed_targets,
    move,
)
from shared.platform.http import status_of

pytestmark = pytest.mark.unit

S = Status
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)

# Transcribed from the contract ("Work orders": POST /v1/work-orders/{id}/transition), not from the module.
CONTRACT = {
    (S.OPEN, S.SCHEDULED), (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.CANCELLED),
    (S.SCHEDULED, S.IN_PROGRESS), (S.SCHEDULED, S.ON_HOLD), (S.SCHEDULED, S.CANCELLED),
    (S.IN_PROGRESS, S.ON_HOLD), (S.IN_PROGRESS, S.COMPLETED),
    (S.ON_HOLD, S.IN_PROGRESS), (S.ON_HOLD, S.CANCELLED),
    (S.COMPLETED, S.CLOSED), (S.COMPLETED, S.OPEN),
}
PAIRS = [(a, b) for a in Status for b in Status]


def _state(status: Status, completed_ago: timedelta | None = timedelta(days=1)) -> OrderState:
    return OrderState(status=status, completed_at=NOW - completed_ago if completed_ago is not None else None)


@pytest.mark.parametrize(("before", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_staff_moves_exactly_the_contracts_pairs(before: Status, to: Status) -> None:
    if (before, to) in CONTRACT:
        moved = move(_state(before), to, Actor.STAFF, own=False, at=NOW)
        assert moved.before is before and moved.state.status is to
    else:
        with pytest.raises(TransitionRefused) as refused:
            move(_state(before), to, Actor.STAFF, own=False, at=NOW)
        assert status_of(refused.value) == 409 and refused.value.code == "CONFLICT"
        assert refused.value.details[0].field == "to"


def test_the_table_is_the_contract() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == CONTRACT
    assert set(TRANSITIONS) == set(Status)


RESIDENT = {(S.OPEN, S.CANCELLED), (S.COMPLETED, S.OPEN)}


@pytest.mark.parametrize(("before", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_a_resident_may_only_cancel_open_or_reopen_completed_on_their_own_order(before: Status, to: Status) -> None:
    allowed = (before, to) in RESIDENT
    if allowed:
        assert move(_state(before), to, Actor.RESIDENT, own=True, at=NOW).state.status is to
    else:
        with pytest.raises(TransitionRefused):
            move(_state(before), to, Actor.RESIDENT, own=True, at=NOW)
    with pytest.raises(TransitionRefused):  # never on someone else's order
        move(_state(before), to, Actor.RESIDENT, own=False, at=NOW)


@pytest.mark.parametrize(("ago", "allowed"), [
    (timedelta(0), True),
    (timedelta(days=13, hours=23, minutes=59), True),
    (timedelta(days=14), True),
    (timedelta(days=14, seconds=1), False),
    (timedelta(days=30), False),
    (None, False),  # no completion time known: the window cannot be shown to be open
])
def test_resident_reopen_window(ago: timedelta | None, allowed: bool) -> None:
    state = _state(S.COMPLETED, ago)
    if allowed:
        assert move(state, S.OPEN, Actor.RESIDENT, own=True, at=NOW).reopen
    else:
        with pytest.raises(TransitionRefused, match="within 14 days"):
            move(state, S.OPEN, Actor.RESIDENT, own=True, at=NOW)
    assert move(state, S.OPEN, Actor.STAFF, own=False, at=NOW).state.status is S.OPEN  # staff: any time


def test_reopens_are_counted_and_completion_time_follows_the_order() -> None:
    state = OrderState(status=S.OPEN)
    at = NOW
    for expected in (1, 2):
        for to in (S.IN_PROGRESS, S.COMPLETED):
            state = move(state, to, Actor.STAFF, own=False, at=at).state
            at += timedelta(hours=1)
        assert state.completed_at == at - timedelta(hours=1)
        moved = move(state, S.OPEN, Actor.RESIDENT, own=True, at=at)
        assert moved.reopen and moved.state.reopened == expected and moved.state.completed_at is None
        state = moved.state
    for to in (S.IN_PROGRESS, S.COMPLETED, S.CLOSED):
        state = move(state, to, Actor.STAFF, own=False, at=at).state
    assert state.status is S.CLOSED and state.reopened == 2 and state.completed_at == at


def test_non_reopen_moves_do_not_count() -> None:
    moved = move(OrderState(status=S.COMPLETED, reopened=3, completed_at=NOW), S.CLOSED, Actor.STAFF, own=False,
                 at=NOW)
    assert not moved.reopen and moved.state.reopened == 3


def test_refusals_say_what_is_possible() -> None:
    with pytest.raises(TransitionRefused, match="in_progress can move to on_hold or completed"):
        move(OrderState(status=S.IN_PROGRESS), S.CLOSED, Actor.STAFF, own=False, at=NOW)
    with pytest.raises(TransitionRefused, match="final"):
        move(OrderState(status=S.CLOSED), S.OPEN, Actor.STAFF, own=False, at=NOW)


def test_allowed_targets_per_actor() -> None:
    assert allowed_targets(OrderState(status=S.OPEN), Actor.STAFF, own=False, at=NOW) == {
        S.SCHEDULED, S.IN_PROGRESS, S.CANCELLED}
    assert allowed_targets(OrderState(status=S.OPEN), Actor.RESIDENT, own=True, at=NOW) == {S.CANCELLED}
    assert allowed_targets(OrderState(status=S.SCHEDULED), Actor.RESIDENT, own=True, at=NOW) == set()
    late = OrderState(status=S.COMPLETED, completed_at=NOW - timedelta(days=15))
    assert allowed_targets(late, Actor.RESIDENT, own=True, at=NOW) == set()
    assert allowed_targets(late, Actor.STAFF, own=False, at=NOW) == {S.CLOSED, S.OPEN}


@pytest.mark.parametrize(("role", "actor"), [
    ("admin", Actor.STAFF), ("manager", Actor.STAFF), ("owner", Actor.RESIDENT), ("tenant", Actor.RESIDENT),
    ("board", None), ("property_owner", None), ("super_admin", None), ("janitor", None),
])
def test_actor_for_role(role: str, actor: Actor | None) -> None:
    assert actor_for(role) is actor


def test_the_reopen_window_is_elapsed_time_across_a_dst_change() -> None:
    from zoneinfo import ZoneInfo

    toronto = ZoneInfo("America/Toronto")
    completed = datetime(2026, 10, 25, 12, 0, tzinfo=toronto)  # EDT
    at = datetime(2026, 11, 8, 11, 30, tzinfo=toronto)  # EST: 13 days 23.5 h on the wall clock, 14 d 0.5 h elapsed
    with pytest.raises(TransitionRefused):
        move(OrderState(status=S.COMPLETED, completed_at=completed), S.OPEN, Actor.RESIDENT, own=True, at=at)
