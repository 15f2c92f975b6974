"""Work-order storage: PynamoDB items in, domain models out, storage conditions kept here.

Numbers come from an atomic ADD on the community's counter, so two creates never share one (a
create that fails after taking a number leaves a gap, which is harmless). Every change of an order
is one transaction: the order written on condition of the version it was read at, with its event;
a lost race is `Stale`, which the service turns into 409 (of two concurrent transitions one wins).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.transactions import TransactWrite

from shared.maintenance.counters import MAX_EVIDENCE, CategoryMonth, Delta
from shared.maintenance.health import SeasonalTask
from shared.maintenance.items import (
    HealthCounterItem,
    SeasonalWorkItem,
    WorkOrderCommentItem,
    WorkOrderCounterItem,
    WorkOrderEventItem,
    WorkOrderItem,
)
from shared.maintenance.models import DONE, Category, Priority, Status
from shared.maintenance.orders import Comment, OrderEvent, WorkOrder
from shared.platform import db, keys
from shared.platform.mapping import to_item, to_model

_CONDITION_FAILED = "ConditionalCheckFailed"


class Stale(Exception):
    """The order changed (or vanished) since it was read."""


class EventExists(Exception):
    """An event with this id is recorded already (a retried alert)."""


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


_ORDER_JSON = ("triage", "vendor", "entry")  # nested models, as JSON text


def _order(item: WorkOrderItem) -> WorkOrder:
    return to_model(WorkOrder, item, json_fields=_ORDER_JSON)


def _order_item(order: WorkOrder) -> WorkOrderItem:
    return to_item(WorkOrderItem, order, keys.work_order(order.community_id, order.id), json_fields=_ORDER_JSON,
                   gsi1pk=keys.work_orders_of_property(order.community_id, order.property_id), gsi1sk=order.id)


def _event_item(community_id: str, event: OrderEvent) -> WorkOrderEventItem:
    return to_item(WorkOrderEventItem, event, keys.work_order_event(community_id, event.work_order_id, event.id),
                   json_fields=("detail",))


def _event(item: WorkOrderEventItem) -> OrderEvent:
    return to_model(OrderEvent, item, json_fields=("detail",))


def _counter_update(community_id: str, property_id: str, change: Delta) -> tuple[HealthCounterItem, list[Any]]:
    """The exact part of one counter-row change (numbers, open emergencies, evidence removals): it goes
    into the order's transaction. Evidence additions are capped, so they follow it (`_add_evidence`)."""
    row = HealthCounterItem(*keys.property_health_row(community_id, property_id, change.month, str(change.category)))
    actions: list[Any] = [HealthCounterItem.type.set(HealthCounterItem),
                          HealthCounterItem.month.set(change.month),
                          HealthCounterItem.category.set(str(change.category))]
    for attribute, amount in ((HealthCounterItem.opened, change.opened),
                              (HealthCounterItem.emergencies, change.emergencies),
                              (HealthCounterItem.overdue, change.overdue)):
        if amount:
            actions.append(attribute.add(amount))
    exact = HealthCounterItem.open_emergency_ids
    if change.add.get("open_emergency_ids"):
        actions.append(exact.add(set(change.add["open_emergency_ids"])))
    elif change.remove.get("open_emergency_ids"):
        actions.append(exact.delete(set(change.remove["open_emergency_ids"])))
    for name in ("order_ids", "overdue_ids"):
        if change.remove.get(name):
            actions.append(getattr(HealthCounterItem, name).delete(set(change.remove[name])))
    return row, actions


def _add_evidence(community_id: str, property_id: str, changes: Iterable[Delta]) -> None:
    """Add evidence ids while a row's set holds fewer than `MAX_EVIDENCE` (a full set stays as it is)."""
    for change in changes:
        for name in ("order_ids", "overdue_ids"):
            ids = change.add.get(name)
            if not ids:
                continue
            attribute = getattr(HealthCounterItem, name)
            row = HealthCounterItem(*keys.property_health_row(community_id, property_id, change.month,
                                                              str(change.category)))
            with contextlib.suppress(UpdateError):  # full: the evidence already names enough orders
                row.update(actions=[attribute.add(set(ids))],
                           condition=attribute.does_not_exist() | (size(attribute) < MAX_EVIDENCE))


def _commit(order_item: WorkOrderItem, condition: Condition, extra: Iterable[Any],
            changes: list[Delta] = (), seasonal: tuple[SeasonalTask, date] | None = None  # type: ignore[assignment]
            ) -> None:
    db.bind()
    cid, pid = str(order_item.community_id), str(order_item.property_id)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.save(order_item, condition=condition)
            for item in extra:
                tx.save(item, condition=type(item).pk.does_not_exist())
            for change in changes:
                row, actions = _counter_update(cid, pid, change)
                tx.update(row, actions=actions)
            if seasonal is not None:
                task, day = seasonal
                tx.update(SeasonalWorkItem(*keys.property_seasonal(cid, pid)),
                          actions=[SeasonalWorkItem.type.set(SeasonalWorkItem),
                                   getattr(SeasonalWorkItem, str(task)).set(day.isoformat())])
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(r is not None and r.code == _CONDITION_FAILED for r in reasons):
            raise Stale() from error
        raise
    _add_evidence(cid, pid, changes)


# --- numbering -------------------------------------------------------------------------------------


def next_number(community_id: str) -> int:
    """The community's next order number: one atomic UpdateItem (ADD 1, ALL_NEW)."""
    db.bind()
    counter = WorkOrderCounterItem(*keys.work_order_number(community_id))
    counter.update(actions=[WorkOrderCounterItem.number.add(1)])
    return int(counter.number)


# --- orders -----------------------------------------------------------------------------------------


def create(order: WorkOrder, event: OrderEvent, changes: list[Delta] | None = None) -> None:
    """The new order with its `created` event and its counter rows; `Stale` when the id exists already."""
    _commit(_order_item(order), WorkOrderItem.pk.does_not_exist(), [_event_item(order.community_id, event)],
            changes or [])


def save(before: WorkOrder, after: WorkOrder, events: Iterable[OrderEvent], changes: list[Delta] | None = None,
         seasonal: tuple[SeasonalTask, date] | None = None) -> None:
    """Write `after` only if the order is still at `before.version` (and so `before.status`), with its
    events, counter-row changes (an order never changes property) and, for a completion that counts as
    seasonal work, the day that task was done."""
    condition = (WorkOrderItem.version == before.version) & (WorkOrderItem.status == str(before.status))
    _commit(_order_item(after), condition, [_event_item(after.community_id, e) for e in events], changes or [],
            seasonal)


def health_inputs(community_id: str, property_id: str, since_month: str
                  ) -> tuple[list[CategoryMonth], dict[SeasonalTask, date]]:
    """The property's counter rows from `since_month` on and its seasonal-work record: one Query (at most
    96 rows a year, and the `SEASONAL` item, which sorts after them)."""
    from shared.platform import aws
    from shared.platform.settings import settings

    answer = aws.client("dynamodb").query(
        TableName=settings().require("table_name"), KeyConditionExpression="pk = :pk AND sk >= :since",
        ExpressionAttributeValues={":pk": {"S": keys.property_health_pk(community_id, property_id)},
                                   ":since": {"S": since_month}})
    rows: list[CategoryMonth] = []
    done: dict[SeasonalTask, date] = {}
    for item in answer.get("Items", []):
        if item["sk"]["S"] == keys.PROPERTY_SEASONAL_SK:
            done = {task: date.fromisoformat(item[str(task)]["S"]) for task in SeasonalTask if str(task) in item}
        else:
            rows.append(_row(item))
    return rows, done


def health_rows(community_id: str, property_id: str, since_month: str) -> list[CategoryMonth]:
    """The property's counter rows from `since_month` on (`health_inputs` without the seasonal record)."""
    return health_inputs(community_id, property_id, since_month)[0]


def _row(item: dict[str, Any]) -> CategoryMonth:
    def number(name: str) -> int:
        return max(0, int(item.get(name, {}).get("N", "0")))

    def ids(name: str) -> frozenset[str]:
        return frozenset(item.get(name, {}).get("SS", []))

    return CategoryMonth(month=item["month"]["S"], category=Category(item["category"]["S"]),
                         opened=number("opened"), emergencies=number("emergencies"), overdue=number("overdue"),
                         order_ids=ids("order_ids"), overdue_ids=ids("overdue_ids"),
                         open_emergency_ids=ids("open_emergency_ids"))


def get(community_id: str, work_order_id: str) -> WorkOrder | None:
    db.bind()
    try:
        return _order(WorkOrderItem.get(*keys.work_order(community_id, work_order_id), consistent_read=True))
    except DoesNotExist:
        return None


class Filters:
    """The list's attribute filters as one storage condition (None: everything)."""

    def __init__(self, *, status: Status | None = None, priority: Priority | None = None,
                 overdue: bool | None = None, at: datetime | None = None, tenancy_ids: Iterable[str] | None = None):
        self.status, self.priority, self.overdue, self.at = status, priority, overdue, at
        self.tenancy_ids = list(tenancy_ids) if tenancy_ids is not None else None

    def condition(self) -> Condition | None:
        parts: list[Condition] = []
        if self.status is not None:
            parts.append(WorkOrderItem.status == str(self.status))
        if self.priority is not None:
            parts.append(WorkOrderItem.priority == str(self.priority))
        if self.overdue is not None:
            now = _iso(self.at or datetime.now(UTC))
            late = (WorkOrderItem.due_at < now) & WorkOrderItem.status.is_in(
                *[str(s) for s in Status if s not in DONE])
            parts.append(late if self.overdue else ~late)
        if self.tenancy_ids is not None:
            parts.append(WorkOrderItem.tenancy_id.is_in(*self.tenancy_ids))
        condition: Condition | None = None
        for part in parts:
            condition = part if condition is None else condition & part
        return condition


def community_page(community_id: str, filters: Filters, *, limit: int, before_id: str | None) -> list[WorkOrder]:
    """Newest first, at most `limit`, with ids below `before_id` (the community's `WO#` range)."""
    db.bind()
    pk = keys.community_pk(community_id)
    key = (WorkOrderItem.sk.between(keys.WORK_ORDER_PREFIX, f"{keys.WORK_ORDER_PREFIX}{before_id}")
           if before_id else WorkOrderItem.sk.startswith(keys.WORK_ORDER_PREFIX))
    found = WorkOrderItem.query(pk, key, filter_condition=filters.condition(), scan_index_forward=False,
                                limit=limit + 1)
    return [o for o in (_order(i) for i in found) if o.id != before_id][:limit]


def property_page(community_id: str, property_id: str, filters: Filters, *, limit: int,
                  before_id: str | None) -> list[WorkOrder]:
    """One property's orders, newest first (GSI1), at most `limit`, ids below `before_id`."""
    db.bind()
    gsi1pk = keys.work_orders_of_property(community_id, property_id)
    key = WorkOrderItem.gsi1sk < before_id if before_id else None
    found = WorkOrderItem.gsi1.query(gsi1pk, key, filter_condition=filters.condition(), scan_index_forward=False,
                                     limit=limit)
    return [_order(i) for i in found if isinstance(i, WorkOrderItem)]


# --- history ----------------------------------------------------------------------------------------


def add_event(community_id: str, event: OrderEvent) -> None:
    """Record an event on its own (not a change of the order); `EventExists` when recorded already."""
    db.bind()
    try:
        _event_item(community_id, event).save(condition=WorkOrderEventItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == _CONDITION_FAILED + "Exception":
            raise EventExists() from error
        raise


def events(community_id: str, work_order_id: str) -> list[OrderEvent]:
    """Oldest first (ids are ULIDs)."""
    db.bind()
    found = WorkOrderEventItem.query(keys.work_order_log_pk(community_id, work_order_id),
                                     WorkOrderEventItem.sk.startswith(keys.WORK_ORDER_EVENT_PREFIX))
    return [_event(i) for i in found]


def add_comment(community_id: str, comment: Comment, event: OrderEvent) -> None:
    """The comment with its event, in one transaction (both new)."""
    db.bind()
    key = keys.work_order_comment(community_id, comment.work_order_id, comment.id)
    item = to_item(WorkOrderCommentItem, comment, key)
    with TransactWrite(connection=db.connection()) as tx:
        tx.save(item, condition=WorkOrderCommentItem.pk.does_not_exist())
        tx.save(_event_item(community_id, event), condition=WorkOrderEventItem.pk.does_not_exist())


def comments(community_id: str, work_order_id: str, *, with_internal: bool) -> list[Comment]:
    """Oldest first; internal ones only when asked (they are filtered by the read itself)."""
    db.bind()
    condition = None if with_internal else WorkOrderCommentItem.internal == False  # noqa: E712 - a condition
    found = WorkOrderCommentItem.query(keys.work_order_log_pk(community_id, work_order_id),
                                       WorkOrderCommentItem.sk.startswith(keys.WORK_ORDER_COMMENT_PREFIX),
                                       filter_condition=condition)
    return [to_model(Comment, i) for i in found]


def overdue_unnoted(community_id: str, property_id: str, at: datetime) -> list[WorkOrder]:
    """The property's orders past `due_at` at `at`, not done, that the SLA watch has not noted yet:
    one Query of the property's index range (the filter is on the read, never the community's orders)."""
    db.bind()
    late = Filters(overdue=True, at=at).condition()
    found = WorkOrderItem.gsi1.query(keys.work_orders_of_property(community_id, property_id),
                                     filter_condition=late & WorkOrderItem.overdue_noted_at.does_not_exist())
    return [_order(i) for i in found if isinstance(i, WorkOrderItem)]


def event_item(community_id: str, event: OrderEvent) -> WorkOrderEventItem:
    """The storage item of an order's event, for a transaction another repository of this package writes."""
    return _event_item(community_id, event)
