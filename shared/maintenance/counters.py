"""The per-property counters the health score reads, and how one order change moves them.

Storage keeps one row per property, category and month (the month the order was created, in the
community's time zone): at most 8 categories × 12 months = 96 rows for a year, however many orders
there were, so the health read is one bounded query. A row holds

- `opened`: orders of that category created that month (cancelled ones drop out again),
- `emergencies`: how many of them are emergencies now,
- `overdue`: how many of them went past their SLA (the SLA watch marks an order once),
- `order_ids`, `overdue_ids`: evidence, at most `MAX_EVIDENCE` ids each (storage adds an id only while
  the set is smaller, a conditional ADD, so a row stays small),
- `open_emergency_ids`: the emergencies among them not done yet (added and removed exactly).

`delta(before, after)` is the change one order write makes: the order's contribution after the write
minus its contribution before. Storage applies it in the same transaction as the order write, so the
rows are exactly the sum over orders. `apply` is the reference semantics (and the tests' fold).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from shared.maintenance.models import DONE, Category, Priority, Status

MAX_EVIDENCE = 10
SETS = ("order_ids", "overdue_ids", "open_emergency_ids")


class CategoryMonth(BaseModel):
    """One stored counter row."""

    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")  # YYYY-MM, community time
    category: Category
    opened: int = Field(default=0, ge=0)
    emergencies: int = Field(default=0, ge=0)
    overdue: int = Field(default=0, ge=0)
    order_ids: frozenset[str] = frozenset()
    overdue_ids: frozenset[str] = frozenset()
    open_emergency_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OrderSnapshot:
    """What of an order the counters depend on."""

    id: str
    category: Category
    priority: Priority
    status: Status
    created_at: datetime
    went_overdue: bool = False  # set once by the SLA watch, never cleared


@dataclass
class Delta:
    """The change to one row."""

    month: str
    category: Category
    opened: int = 0
    emergencies: int = 0
    overdue: int = 0
    add: dict[str, set[str]] = field(default_factory=dict)
    remove: dict[str, set[str]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.opened or self.emergencies or self.overdue or any(self.add.values())
                    or any(self.remove.values()))


def month_of(moment: datetime, zone: str) -> str:
    if moment.tzinfo is None:
        raise ValueError("`moment` must carry its time zone")
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m}"


def _contribution(order: OrderSnapshot | None, zone: str) -> Delta | None:
    if order is None or order.status is Status.CANCELLED:
        return None
    emergency = order.priority is Priority.EMERGENCY
    sets = {"order_ids": {order.id}, "overdue_ids": {order.id} if order.went_overdue else set(),
            "open_emergency_ids": {order.id} if emergency and order.status not in DONE else set()}
    return Delta(month_of(order.created_at, zone), order.category, opened=1, emergencies=int(emergency),
                 overdue=int(order.went_overdue), add=sets)


def delta(before: OrderSnapshot | None, after: OrderSnapshot | None, zone: str) -> list[Delta]:
    """The row changes one write of an order makes (`before` None: created; `after` None: deleted)."""
    old, new = _contribution(before, zone), _contribution(after, zone)
    rows: dict[tuple[str, Category], Delta] = {}
    for part, sign in ((new, 1), (old, -1)):
        if part is None:
            continue
        row = rows.setdefault((part.month, part.category), Delta(part.month, part.category))
        row.opened += sign * part.opened
        row.emergencies += sign * part.emergencies
        row.overdue += sign * part.overdue
        for name, ids in part.add.items():
            row.add.setdefault(name, set())
            row.remove.setdefault(name, set())
            if sign > 0:
                row.add[name] |= ids
            else:
                row.remove[name] |= ids
    for row in rows.values():  # an id both removed and added stays: drop it from both
        for name in SETS:
            kept = row.add.get(name, set()) & row.remove.get(name, set())
            row.add[name] = row.add.get(name, set()) - kept
            row.remove[name] = row.remove.get(name, set()) - kept
    return [row for row in rows.values() if not row.is_empty()]


def apply(rows: dict[tuple[str, Category], CategoryMonth], change: Delta) -> None:
    """Apply one row change in memory, as storage does with ADD/DELETE (evidence capped the same way)."""
    key = (change.month, change.category)
    row = rows.get(key) or CategoryMonth(month=change.month, category=change.category)
    values = row.model_dump()
    values["opened"] += change.opened
    values["emergencies"] += change.emergencies
    values["overdue"] += change.overdue
    for name in SETS:
        ids = set(values[name]) - change.remove.get(name, set())
        for new_id in sorted(change.add.get(name, set())):
            if name == "open_emergency_ids" or len(ids) < MAX_EVIDENCE:
                ids.add(new_id)
        values[name] = frozenset(ids)
    rows[key] = CategoryMonth.model_validate(values)
