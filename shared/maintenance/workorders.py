"""Work orders: create, list, read, edit, move — every call through `shared.properties.scope`.

Staff (admin, manager) create and change orders of the properties they reach; the board and a
property owner (its assigned properties) only read; an owner or tenant reaches the orders of the
tenancies they are a party to (which needs their portal user linked to a resident). Out of scope is
404, exactly as another community's; in scope but read-only is 403.

`priority` is the triage severity unless staff override it with a `priority_reason` (audited);
`due_at` is `created_at` plus the community's SLA hours for the priority, recomputed from
`created_at` when the priority changes; `overdue` is computed when the order is read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from shared.community.settings import HeatingSeason, SlaHours
from shared.maintenance import alerts, counters, health, repository, sla, transitions
from shared.maintenance import entry as entry_rules
from shared.maintenance import triage as rules
from shared.maintenance.models import Priority, Status
from shared.maintenance.orders import Comment, Entry, OrderEvent, Triage, WorkOrder
from shared.maintenance.schemas import (
    CommentCreate,
    CommentList,
    CommentOut,
    EntryApproval,
    EntryRequest,
    EventList,
    EventOut,
    HealthOut,
    TransitionRequest,
    WorkOrderCreate,
    WorkOrderList,
    WorkOrderOut,
    WorkOrderUpdate,
)
from shared.platform import clock, cursor, ids
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, Forbidden, InvalidCursor, NotFound, ValidationFailed
from shared.properties import repository as properties
from shared.properties import scope as scopes
from shared.properties.models import Tenancy, Unit
from shared.properties.service import audit

CHANGED = "The work order was changed meanwhile; fetch it and try again."
MAX_LIMIT = 200


class Settings(Protocol):
    """What work orders need of a community's settings (identity's `Community` has them)."""

    @property
    def timezone(self) -> str: ...

    @property
    def heating_season(self) -> HeatingSeason: ...

    @property
    def work_order_sla_hours(self) -> SlaHours: ...


SettingsOf = Callable[[str], Settings]


def _today(settings: Settings, at: datetime) -> date:
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(settings.timezone or "UTC")).date()


def _current_tenancy(unit: Unit, today: date) -> str | None:
    """The unit's tenancy on `today` (tenancies of one unit never overlap)."""
    for span in unit.spans:
        if span.start_on <= today and (span.end_on is None or today <= span.end_on):
            return span.tenancy_id
    return None


def _event(order_id: str, kind: str, caller: Caller | None, at: datetime, **detail: Any) -> OrderEvent:
    return OrderEvent(id=ids.new_id(), work_order_id=order_id, kind=kind, at=at,
                      actor_id=caller.user_id if caller else None, actor_role=str(caller.role) if caller else None,
                      detail=detail)


def _parties(order: WorkOrder) -> Tenancy | None:
    return properties.get_tenancy(order.community_id, order.tenancy_id) if order.tenancy_id else None


def _load(caller: Caller, work_order_id: str, *, write: bool = False) -> tuple[WorkOrder, scopes.Scope]:
    """The order if the caller reaches it (404 otherwise; 403 for a write by a read-only caller).

    An owner or tenant reaches it through the order's tenancy, when they are a party to it."""
    order = repository.get(caller.community_id, work_order_id)
    if order is None:
        raise NotFound()
    reach = scopes.scope_of(caller)
    party_ids: tuple[str, ...] | None = None
    if reach.resident_id is not None:
        tenancy = _parties(order)
        party_ids = tenancy.resident_ids if tenancy is not None else ()
    scopes.authorize(caller, order.property_id, write=write, party_ids=party_ids, scope=reach)
    return order, reach


def reach(caller: Caller, work_order_id: str, *, write: bool = False) -> tuple[WorkOrder, scopes.Scope]:
    """The order if the caller reaches it, as every route of an order checks it (for its attachments)."""
    return _load(caller, work_order_id, write=write)


def _snapshot(order: WorkOrder) -> counters.OrderSnapshot:
    """What of the order the property's health counters depend on."""
    return counters.OrderSnapshot(id=order.id, category=order.category, priority=order.priority,
                                  status=order.status, created_at=order.created_at,
                                  went_overdue=order.overdue_noted_at is not None)


def _zone(community_id: str) -> str:
    from shared.community import repository as communities

    community = communities.get_community(community_id)
    return community.timezone if community is not None and community.timezone else "UTC"


def view(order: WorkOrder, at: datetime | None = None) -> WorkOrderOut:
    return WorkOrderOut.of(order, at or clock.now())


# --- create ----------------------------------------------------------------------------------------


def _place(caller: Caller, request: WorkOrderCreate, reach: scopes.Scope, today: date) -> tuple[str, Unit | None]:
    """The order's property (and unit), authorized: staff write the property; a resident must be a
    party to the unit's current tenancy."""
    cid = caller.community_id
    unit: Unit | None = None
    if request.unit_id is not None:
        unit = properties.get_unit(cid, request.unit_id)
        if unit is None:
            raise ValidationFailed(details=[FieldError("unit_id", "is not a unit of this community")])
        if request.property_id is not None and unit.property_id != request.property_id:
            raise ValidationFailed(details=[FieldError("unit_id", "is not a unit of this property")])
    property_id = unit.property_id if unit is not None else str(request.property_id)
    if reach.resident_id is not None:
        if unit is None:
            raise ValidationFailed(details=[FieldError("unit_id", "is required: give your unit")])
        tenancy_id = _current_tenancy(unit, today)
        tenancy = properties.get_tenancy(cid, tenancy_id) if tenancy_id else None
        scopes.authorize(caller, property_id, party_ids=tenancy.resident_ids if tenancy else (), scope=reach)
        if request.priority is not None or request.priority_reason is not None:
            raise ValidationFailed(details=[FieldError("priority", "only staff may set the priority")])
        return property_id, unit
    scopes.authorize(caller, property_id, write=True, scope=reach)
    if unit is None and properties.get_property(cid, property_id) is None:
        raise ValidationFailed(details=[FieldError("property_id", "is not a property of this community")])
    return property_id, unit


def _priority(severity: Priority, requested: Priority | None, reason: str | None) -> tuple[Priority, str | None]:
    if requested is None or requested == severity:
        return severity, reason if requested is not None else None
    if reason is None:
        raise ValidationFailed(details=[FieldError("priority_reason", "is required to change the priority")])
    return requested, reason


def create(caller: Caller, request: WorkOrderCreate, meta: RequestMeta | None = None, *,
           settings_of: SettingsOf, at: datetime | None = None) -> WorkOrderOut:
    """A new order; an emergency alerts the on-call phones and the property's managers at once."""
    cid = caller.community_id
    now = at or clock.now()
    settings = settings_of(cid)
    reach = scopes.scope_of(caller)
    today = _today(settings, now)
    property_id, unit = _place(caller, request, reach, today)
    found = rules.triage(request.category, request.answers, at=now, zone=settings.timezone,
                         season=settings.heating_season)
    priority, reason = _priority(found.severity, request.priority, request.priority_reason)
    order = WorkOrder(
        id=ids.new_id(), community_id=cid, number=repository.next_number(cid), property_id=property_id,
        unit_id=unit.id if unit else None, tenancy_id=_current_tenancy(unit, today) if unit else None,
        title=request.title, description=request.description, category=request.category,
        triage=Triage(answers={k: True for k in sorted(request.answers.yes())}, severity=found.severity,
                      reasons=list(found.reasons), self_help=list(found.self_help)),
        priority=priority, priority_reason=reason, due_at=sla.due_at(now, priority, settings.work_order_sla_hours),
        created_by=caller.user_id, created_by_role=str(caller.role), created_at=now, updated_at=now)
    repository.create(order, _event(order.id, "created", caller, now, priority=str(priority),
                                    severity=str(found.severity), status=str(order.status)),
                      counters.delta(None, _snapshot(order), settings.timezone or "UTC"))
    audit(caller, "work_order.created", order.id, meta, property_id=property_id, number=order.number,
          priority=str(priority))
    if priority != found.severity:
        audit(caller, "work_order.priority_overridden", order.id, meta, severity=str(found.severity),
              priority=str(priority), reason=reason)
    if priority is Priority.EMERGENCY:
        alerts.emergency(order, now)
    return view(order, now)


# --- read ------------------------------------------------------------------------------------------


def get(caller: Caller, work_order_id: str) -> WorkOrderOut:
    """The order with its attachments (one index range of the order)."""
    from shared.maintenance import file_repository

    order, _ = _load(caller, work_order_id)
    return WorkOrderOut.of(order, clock.now(), file_repository.of_order(caller.community_id, order.id))


def _before(caller: Caller, after: str | None) -> str | None:
    start = cursor.decode(caller.community_id, after)
    if start is None:
        return None
    last = str((start.get("wo") or {}).get("S", ""))
    if not last:
        raise InvalidCursor()
    return last


def list_orders(caller: Caller, *, status: Status | None = None, property_id: str | None = None,
                priority: Priority | None = None, overdue: bool | None = None, limit: int = 50,
                after: str | None = None, at: datetime | None = None) -> WorkOrderList:
    """Newest first. A community-wide caller reads the community's order range; a scoped one (a
    property manager or owner) one index range per assigned property; an owner or tenant the
    ranges of the properties of their tenancies, filtered to those tenancies. Never a scan."""
    cid = caller.community_id
    now = at or clock.now()
    limit = max(1, min(limit, MAX_LIMIT))
    before = _before(caller, after)
    reach = scopes.scope_of(caller)
    filters = repository.Filters(status=status, priority=priority, overdue=overdue, at=now)
    if reach.resident_id is not None:
        links = properties.resident_links(cid, reach.resident_id) if reach.resident_id else []
        filters.tenancy_ids = [link.tenancy_id for link in links]
        sources: list[str] | None = sorted({link.property_id for link in links})
    else:
        sources = None if reach.community_wide else reach.ordered_properties()
    if property_id is not None:
        if sources is not None and property_id not in sources:
            return WorkOrderList(items=[])
        sources = [property_id]
    if sources is None:
        found = repository.community_page(cid, filters, limit=limit + 1, before_id=before)
    else:
        found = [o for p in sources for o in repository.property_page(cid, p, filters, limit=limit + 1,
                                                                         before_id=before)]
    found.sort(key=lambda o: o.id, reverse=True)
    page = found[:limit]
    more = len(found) > limit
    next_cursor = cursor.encode(cid, {"wo": {"S": page[-1].id}}) if more and page else None
    return WorkOrderList(items=[view(o, now) for o in page], next_cursor=next_cursor)


def events(caller: Caller, work_order_id: str) -> EventList:
    order, reach = _load(caller, work_order_id)
    staff = reach.resident_id is None
    return EventList(items=[EventOut(**e.model_dump(exclude={"work_order_id"}))
                            for e in repository.events(caller.community_id, order.id)
                            if staff or not e.detail.get("internal")])


# --- change ----------------------------------------------------------------------------------------


def _check_assignee(community_id: str, user_id: str) -> None:
    """An assignee is an active admin or manager of the community (422 otherwise)."""
    from shared.identity import repository as identity

    user = identity.get_user(community_id, user_id)
    if user is None or user.status != "active" or transitions.actor_for(str(user.role)) is not transitions.Actor.STAFF:
        raise ValidationFailed(details=[FieldError("assignee_id", "is not an active admin or manager")])


def update(caller: Caller, work_order_id: str, request: WorkOrderUpdate, meta: RequestMeta | None = None, *,
           settings_of: SettingsOf, at: datetime | None = None) -> WorkOrderOut:
    """Staff edit an order; a priority change needs a reason (audited) and recomputes `due_at`."""
    now = at or clock.now()
    order, _ = _load(caller, work_order_id, write=True)
    given = request.model_dump(include=request.model_fields_set)
    changes: dict[str, Any] = {k: v for k, v in given.items()
                               if k != "priority_reason" and getattr(order, k) != getattr(request, k)}
    if changes.get("assignee_id") is not None:
        _check_assignee(caller.community_id, str(changes["assignee_id"]))
    if "priority" in changes:
        if request.priority_reason is None:
            raise ValidationFailed(details=[FieldError("priority_reason", "is required to change the priority")])
        sla_hours = settings_of(caller.community_id).work_order_sla_hours
        changes["priority_reason"] = request.priority_reason
        changes["due_at"] = sla.due_at(order.created_at, Priority(str(request.priority)), sla_hours)
    if not changes:
        return view(order, now)
    after = order.model_copy(update={**{k: getattr(request, k) for k in changes if hasattr(request, k)},
                                     **({"due_at": changes["due_at"]} if "due_at" in changes else {}),
                                     "updated_at": now, "version": order.version + 1})
    detail: dict[str, Any] = {"fields": sorted(changes)}
    if "priority" in changes:
        detail |= {"priority_from": str(order.priority), "priority": str(after.priority),
                   "reason": after.priority_reason}
    zone = settings_of(caller.community_id).timezone or "UTC"
    try:
        repository.save(order, after, [_event(order.id, "updated", caller, now, **detail)],
                        counters.delta(_snapshot(order), _snapshot(after), zone))
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "work_order.updated", order.id, meta, fields=sorted(changes))
    if "priority" in changes:
        audit(caller, "work_order.priority_overridden", order.id, meta, severity=str(order.triage.severity),
              priority=str(after.priority), reason=after.priority_reason)
        if after.priority is Priority.EMERGENCY:
            alerts.emergency(after, now)
    return view(after, now)


def transition(caller: Caller, work_order_id: str, request: TransitionRequest, meta: RequestMeta | None = None, *,
               at: datetime | None = None) -> WorkOrderOut:
    """One move of the status machine, written on condition of the status and version read: of two
    concurrent moves one wins and the other is 409. The tenancy's parties are mailed."""
    now = at or clock.now()
    actor = transitions.actor_for(str(caller.role))
    if actor is None:
        raise Forbidden()
    order, _ = _load(caller, work_order_id, write=actor is transitions.Actor.STAFF)
    state = transitions.OrderState(status=order.status, reopened=order.reopened, completed_at=order.completed_at)
    moved = transitions.move(state, request.to, actor, own=actor is transitions.Actor.RESIDENT, at=now)
    after = order.model_copy(update={"status": moved.state.status, "reopened": moved.state.reopened,
                                     "completed_at": moved.state.completed_at, "updated_at": now,
                                     "version": order.version + 1})
    event = _event(order.id, "transition", caller, now, **{"from": str(order.status), "to": str(after.status),
                                                          "reopen": moved.reopen, "note": request.note})
    tenancy = _parties(after)
    mails = alerts.status_mails(after, tenancy, event) if tenancy is not None else []
    event = event.model_copy(update={"message_ids": [m.id for m in mails]})
    zone = _zone(caller.community_id)
    seasonal = None
    if after.status == Status.COMPLETED:
        day = _today_in(zone, now)
        task = health.task_done_by(after.category, day)
        seasonal = (task, day) if task is not None else None
    try:
        repository.save(order, after, [event], counters.delta(_snapshot(order), _snapshot(after), zone),
                        seasonal=seasonal)
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    alerts.deliver(order.community_id, mails)
    audit(caller, "work_order.transitioned", order.id, meta, **{"from": str(order.status), "to": str(after.status)})
    return view(after, now)


# --- comments --------------------------------------------------------------------------------------

_STAFF_READERS = frozenset({"admin", "manager", "board"})  # who sees internal comments


def add_comment(caller: Caller, work_order_id: str, request: CommentCreate, meta: RequestMeta | None = None, *,
                at: datetime | None = None) -> CommentOut:
    """Staff comment (internal or not); a party to the order's tenancy comments publicly. A public
    comment is mailed to the tenancy's parties (not its author); an internal one never is."""
    now = at or clock.now()
    order, reach = _load(caller, work_order_id, write=reach_is_staff(caller))
    if reach.resident_id is not None and request.internal:
        raise ValidationFailed(details=[FieldError("internal", "only staff may write internal comments")])
    comment = Comment(id=ids.new_id(), work_order_id=order.id, body=request.body, internal=request.internal,
                      author_id=caller.user_id, author_role=str(caller.role), created_at=now)
    event = _event(order.id, "comment", caller, now, comment_id=comment.id, internal=comment.internal)
    mails: list[Any] = []
    tenancy = None if comment.internal else _parties(order)
    if tenancy is not None:
        mails = [m for m in alerts.comment_mails(order, tenancy, event, comment.body)
                 if m.resident_id != reach.resident_id]
        event = event.model_copy(update={"message_ids": [m.id for m in mails]})
    repository.add_comment(caller.community_id, comment, event)
    alerts.deliver(caller.community_id, mails)
    audit(caller, "work_order.commented", order.id, meta, comment_id=comment.id, internal=comment.internal)
    return CommentOut(**comment.model_dump(exclude={"work_order_id"}))


def reach_is_staff(caller: Caller) -> bool:
    return transitions.actor_for(str(caller.role)) is transitions.Actor.STAFF


def comments(caller: Caller, work_order_id: str) -> CommentList:
    order, reach = _load(caller, work_order_id)
    staff = reach.resident_id is None and str(caller.role) in _STAFF_READERS
    return CommentList(items=[CommentOut(**c.model_dump(exclude={"work_order_id"}))
                              for c in repository.comments(caller.community_id, order.id, with_internal=staff)])


# --- entry (RTA ss. 26-27) -------------------------------------------------------------------------


def _same_window(entry: Entry | None, starts_at: datetime, ends_at: datetime) -> bool:
    return (entry is not None and entry.approved_by is not None and entry.starts_at == starts_at
            and entry.ends_at == ends_at)


def give_entry_notice(caller: Caller, work_order_id: str, request: EntryRequest, meta: RequestMeta | None = None,
                      *, settings_of: SettingsOf, at: datetime | None = None) -> WorkOrderOut:
    """Staff give written notice of entry to the order's unit: 422 unless the window starts at least
    24 hours ahead and lies within 08:00–20:00 community time, or the order is an emergency, or the
    lead tenant approved this window. The notice is mailed to every party; the event keeps the ids."""
    now = at or clock.now()
    order, _ = _load(caller, work_order_id, write=True)
    if order.unit_id is None:
        raise ValidationFailed(details=[FieldError("starts_at", "the order is not for a unit: no entry to give")])
    settings = settings_of(caller.community_id)
    approved = _same_window(order.entry, request.starts_at, request.ends_at)
    decision = entry_rules.require_allowed(entry_rules.check_window(
        request.starts_at, request.ends_at, now=now, zone=settings.timezone or "UTC",
        emergency=order.priority is Priority.EMERGENCY, approved_by_lead=approved))
    approved_by = order.entry.approved_by if approved and order.entry is not None else None
    after = order.model_copy(update={"entry": Entry(starts_at=request.starts_at, ends_at=request.ends_at,
                                                    notice_sent_at=now, approved_by=approved_by),
                                     "updated_at": now, "version": order.version + 1})
    reason = request.reason or f"work order #{order.number}: {order.title}"
    event = _event(order.id, "entry_notice", caller, now, starts_at=request.starts_at.isoformat(),
                   ends_at=request.ends_at.isoformat(), basis=str(decision.basis), reason=reason,
                   checks=[{"rule": c.rule, "citation": c.citation, "ok": c.ok, "waived": c.waived}
                           for c in decision.checks])
    tenancy = _parties(order)
    mails = alerts.entry_mails(after, tenancy, event, reason=reason, zone=settings.timezone or "UTC") \
        if tenancy is not None else []
    event = event.model_copy(update={"message_ids": [m.id for m in mails]})
    try:
        repository.save(order, after, [event])
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    alerts.deliver(caller.community_id, mails)
    audit(caller, "work_order.entry_notice", order.id, meta, basis=str(decision.basis), mails=len(mails))
    return view(after, now)


def approve_entry(caller: Caller, work_order_id: str, request: EntryApproval, meta: RequestMeta | None = None, *,
                  at: datetime | None = None) -> WorkOrderOut:
    """The lead tenant of the order's tenancy approves a window (their consent, RTA s. 26(1)(b)); staff
    may then give notice of that window even within 24 hours or outside 08:00–20:00."""
    now = at or clock.now()
    order, reach = _load(caller, work_order_id)
    tenancy = _parties(order)
    if reach.resident_id is None or tenancy is None or tenancy.lead != reach.resident_id:
        raise Forbidden("Only the lead tenant of the order's tenancy can approve an entry window.")
    if request.ends_at <= request.starts_at or request.ends_at <= now:
        raise ValidationFailed(details=[FieldError("ends_at", "must be after starts_at and not over already")])
    after = order.model_copy(update={"entry": Entry(starts_at=request.starts_at, ends_at=request.ends_at,
                                                    approved_by=caller.user_id),
                                     "updated_at": now, "version": order.version + 1})
    event = _event(order.id, "entry_approved", caller, now, starts_at=request.starts_at.isoformat(),
                   ends_at=request.ends_at.isoformat())
    try:
        repository.save(order, after, [event])
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "work_order.entry_approved", order.id, meta)
    return view(after, now)


# --- property health -------------------------------------------------------------------------------


def property_health(caller: Caller, property_id: str, *, settings_of: SettingsOf,
                    at: datetime | None = None) -> HealthOut:
    """The property's health from its counter rows and seasonal-work record only: one Query of at most
    97 items, however many orders the property had."""
    now = at or clock.now()
    scopes.authorize(caller, property_id)
    if properties.get_property(caller.community_id, property_id) is None:
        raise NotFound()
    zone = settings_of(caller.community_id).timezone or "UTC"
    months = health.window(_today_in(zone, now))
    rows, seasonal_done = repository.health_inputs(caller.community_id, property_id, months[-1])
    result = health.health(rows, seasonal_done, at=now, zone=zone)
    return HealthOut.of(result)


def _today_in(zone: str, at: datetime) -> date:
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(zone)).date()
