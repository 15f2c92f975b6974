"""The work-order status machine, exactly as the contract lists it, and what a resident may do in it.

`TRANSITIONS` is the whole machine; `RESIDENT_MOVES` the two moves a resident (an owner or tenant
on the order's unit) may make: cancel their own open order, and reopen their completed one within
`REOPEN_WINDOW` of its completion. `move` is pure: it returns the next state, or raises
`TransitionRefused` (409 `CONFLICT`) naming what is possible instead. Storage applies the result
with a condition on the status it read, so two concurrent moves cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from shared.maintenance.models import Status
from shared.platform.errors import Conflict, FieldError

OPEN, SCHEDULED, IN_PROGRESS, ON_HOLD = Status.OPEN, Status.SCHEDULED, Status.IN_PROGRESS, Status.ON_HOLD
COMPLETED, CLOSED, CANCELLED = Status.COMPLETED, Status.CLOSED, Status.CANCELLED

TRANSITIONS: dict[Status, frozenset[Status]] = {
    OPEN: frozenset({SCHEDULED, IN_PROGRESS, CANCELLED}),
    SCHEDULED: frozenset({IN_PROGRESS, ON_HOLD, CANCELLED}),
    IN_PROGRESS: frozenset({ON_HOLD, COMPLETED}),
    ON_HOLD: frozenset({IN_PROGRESS, CANCELLED}),
    COMPLETED: frozenset({CLOSED, OPEN}),  # completed → open is a reopen
    CLOSED: frozenset(),
    CANCELLED: frozenset(),
}

REOPEN = (COMPLETED, OPEN)
RESIDENT_MOVES: frozenset[tuple[Status, Status]] = frozenset({(OPEN, CANCELLED), REOPEN})
REOPEN_WINDOW = timedelta(days=14)


class Actor(StrEnum):
    STAFF = "staff"  # admin or manager (in scope)
    RESIDENT = "resident"  # an owner or tenant: only on their own unit's orders


_STAFF_ROLES = frozenset({"admin", "manager"})
_RESIDENT_ROLES = frozenset({"owner", "tenant"})


def actor_for(role: str) -> Actor | None:
    """Who moves orders: admins and managers as staff, owners and tenants as residents; None for the
    read-only roles (board, property_owner, anyone else)."""
    if role in _STAFF_ROLES:
        return Actor.STAFF
    if role in _RESIDENT_ROLES:
        return Actor.RESIDENT
    return None


@dataclass(frozen=True)
class OrderState:
    status: Status
    reopened: int = 0
    completed_at: datetime | None = None  # when it last became completed


@dataclass(frozen=True)
class Moved:
    """An allowed move and the order's state after it."""

    before: Status
    state: OrderState
    reopen: bool


class TransitionRefused(Conflict):
    default_message = "This status change is not allowed."


def _names(statuses: frozenset[Status]) -> str:
    ordered = [s.value for s in Status if s in statuses]
    return " or ".join(ordered) if ordered else "nothing (it is final)"


def allowed_targets(state: OrderState, actor: Actor, *, own: bool, at: datetime) -> frozenset[Status]:
    """Every status `actor` could move the order to now (for a UI's buttons, and the refusal message)."""
    return frozenset(to for to in TRANSITIONS[state.status] if _refusal(state, to, actor, own=own, at=at) is None)


def _refusal(state: OrderState, to: Status, actor: Actor, *, own: bool, at: datetime) -> str | None:
    """Why the move is refused, or None when it is allowed."""
    if to not in TRANSITIONS[state.status]:
        return f"An order that is {state.status} can move to {_names(TRANSITIONS[state.status])}."
    if actor is Actor.STAFF:
        return None
    if not own:
        return "Residents may only change their own orders."
    if (state.status, to) not in RESIDENT_MOVES:
        return "Residents may only cancel their own open order or reopen their completed one."
    late = state.completed_at is None or at.astimezone(UTC) - state.completed_at.astimezone(UTC) > REOPEN_WINDOW
    if (state.status, to) == REOPEN and late:
        return f"A completed order can be reopened by its resident within {REOPEN_WINDOW.days} days."
    return None


def move(state: OrderState, to: Status, actor: Actor, *, own: bool, at: datetime) -> Moved:
    """Apply one move at `at`; `own` says the order is on the resident's own unit (ignored for staff)."""
    reason = _refusal(state, to, actor, own=own, at=at)
    if reason is not None:
        raise TransitionRefused(reason, [FieldError("to", reason)])
    reopen = (state.status, to) == REOPEN
    completed_at = at if to is COMPLETED else (None if reopen else state.completed_at)
    after = OrderState(status=to, reopened=state.reopened + (1 if reopen else 0), completed_at=completed_at)
    return Moved(before=state.status, state=after, reopen=reopen)
