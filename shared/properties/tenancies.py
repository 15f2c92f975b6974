"""Tenancies: create, read, list, edit, end — the tenancy service other domains build on.

`create_tenancy` is how anything makes a tenancy (the API, the demo seed, and a rental
application's conversion, which asks `check_lease` first): parties must be residents of the
community with exactly one lead, and the unit's dates must be free. The overlap check cannot race:
the tenancy is written in one transaction with its unit, conditional on the unit's version as read,
so of two requests for the same dates one commits and the other re-reads the unit, sees the overlap
and gets 409.

A tenancy's `status` (upcoming / active / ended) and `arrears` are computed from its dates and
"today" in the community's time zone when it is read; nothing rewrites tenancies at midnight.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from shared.platform import clock, cursor, ids, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, InvalidCursor, NotFound, ValidationFailed
from shared.properties import days, repository, scope
from shared.properties.models import Party, Span, Tenancy, TenancyStatus, Unit
from shared.properties.schemas import TenancyCreate, TenancyEnd, TenancyList, TenancyOut, TenancyUpdate, check_due_day
from shared.properties.service import audit, start_key

MAX_ATTEMPTS = 4  # re-reads after losing a race on the unit or the tenancy
OVERLAP = "The unit already has a tenancy on some of these dates."


def _overlap(span: Span) -> Conflict:
    return Conflict(OVERLAP, details=[FieldError("start_on", f"overlaps tenancy {span.tenancy_id}")])


# Which of these ids are residents of the community: (community id, resident ids) -> the ids found.
# The residents directory sits above properties (its reads apply tenancy facts), so its callers pass
# the directory's lookup in (`shared.residents.repository.get_many`).
KnownResidents = Callable[[str, list[str]], Collection[str]]


def _check_parties(community_id: str, parties: list[Party] | tuple[Party, ...], known: KnownResidents) -> None:
    found = known(community_id, [p.resident_id for p in parties])
    missing = [FieldError(f"parties.{i}.resident_id", "is not a resident of this community")
               for i, p in enumerate(parties) if p.resident_id not in found]
    if missing:
        raise ValidationFailed(details=missing)


def _with_span(unit: Unit, tenancy: Tenancy) -> Unit:
    spans = tuple(s for s in unit.spans if s.tenancy_id != tenancy.id)
    span = Span(tenancy_id=tenancy.id, start_on=tenancy.start_on, end_on=tenancy.end_on)
    return unit.model_copy(update={"spans": tuple(sorted((*spans, span), key=lambda s: s.start_on)),
                                   "version": unit.version + 1, "updated_at": tenancy.updated_at})


def _save(old: Tenancy | None, new: Tenancy) -> Tenancy:
    """Write the tenancy with its unit's span, re-reading after a lost race (409 on an overlap)."""
    for _ in range(MAX_ATTEMPTS):
        unit = repository.get_unit(new.community_id, new.unit_id)
        if unit is None:
            raise ValidationFailed(details=[FieldError("unit_id", "is not a unit of this community")])
        clash = unit.clashes(new.start_on, new.end_on, ignore=new.id)
        if clash is not None:
            raise _overlap(clash)
        try:
            repository.save_tenancy(old, new, unit_before=unit, unit_after=_with_span(unit, new))
            return new
        except repository.Conflict as conflict:
            if old is not None:  # the tenancy itself may have moved on (a ledger posting): start over
                current = repository.get_tenancy(new.community_id, new.id)
                if current is None or current.version != old.version:
                    raise Conflict("The tenancy was changed meanwhile; fetch it and try again.") from conflict
    raise Conflict("The unit is busy; try again.")


def view(tenancy: Tenancy, today: date) -> TenancyOut:
    return TenancyOut.of(tenancy, today)


# --- the service API (other domains call these) ---------------------------------------------------


def _leasable_unit(caller: Caller, unit_id: str) -> Unit:
    """The unit if the caller may lease it: out of reach reads as another community's unit (422 on
    `unit_id`, as an unknown one), in reach but read-only is 403."""
    unit = repository.get_unit(caller.community_id, unit_id)
    reach = scope.scope_of(caller)
    if unit is None or not reach.sees_property(unit.property_id) or reach.resident_id is not None:
        raise ValidationFailed(details=[FieldError("unit_id", "is not a unit of this community")])
    scope.authorize(caller, unit.property_id, write=True, scope=reach)
    return unit


def check_lease(caller: Caller, unit_id: str, start_on: date, *, lead_id: str | None = None) -> TenancyOut | None:
    """What `create_tenancy` would refuse about an open-ended lease of the unit from `start_on`, checked
    before the caller makes records of its own (a conversion's tenant resident): 422 unit, 403, 409 overlap.

    The one clash that is not refused is the tenancy a retried request made the first time: it starts
    on `start_on` with `lead_id` as its lead party, and it is returned so the retry can finish.
    """
    unit = _leasable_unit(caller, unit_id)
    clash = unit.clashes(start_on, None)
    if clash is None:
        return None
    if lead_id is not None and clash.start_on == start_on:
        earlier = repository.get_tenancy(caller.community_id, clash.tenancy_id)
        if earlier is not None and any(p.lead and p.resident_id == lead_id for p in earlier.parties):
            return view(earlier, days.community_today(caller.community_id))
    raise _overlap(clash)


def create_tenancy(caller: Caller, request: TenancyCreate, meta: RequestMeta | None = None, *,
                   known_residents: KnownResidents, rent_from: date | None = None) -> TenancyOut:
    """A new tenancy of `request.unit_id`. `rent_from` (default: today) is the first day the rent job
    may charge; the demo seed backdates it to build a ledger history."""
    cid = caller.community_id
    unit = _leasable_unit(caller, request.unit_id)
    if request.property_id is not None and request.property_id != unit.property_id:
        raise ValidationFailed(details=[FieldError("property_id", "is not the unit's property")])
    _check_parties(cid, request.parties, known_residents)
    today = days.community_today(cid)
    now = clock.iso()
    tenancy = Tenancy(
        id=ids.new_id(), community_id=cid, property_id=unit.property_id, unit_id=unit.id,
        parties=tuple(request.parties), start_on=request.start_on, end_on=request.end_on, rent=request.rent,
        rent_period=request.rent_period, rent_due_day=request.rent_due_day, last_increase_on=request.last_increase_on,
        email_service_consent=request.email_service_consent, rent_from=max(request.start_on, rent_from or today),
        created_at=now, updated_at=now)
    _save(None, tenancy)
    audit(caller, "tenancy.created", tenancy.id, meta, unit_id=unit.id, property_id=unit.property_id)
    return view(tenancy, today)


def require_tenancy(caller: Caller, tenancy_id: str, *, write: bool = False) -> Tenancy:
    """The tenancy if the caller may see it (404 otherwise, as another community's), 403 if not write."""
    tenancy = repository.get_tenancy(caller.community_id, tenancy_id)
    if tenancy is None:
        raise NotFound("No such tenancy.")
    scope.authorize(caller, tenancy.property_id, write=write, party_ids=tenancy.resident_ids)
    return tenancy


def get_tenancy(caller: Caller, tenancy_id: str) -> TenancyOut:
    return view(require_tenancy(caller, tenancy_id), days.community_today(caller.community_id))


def update_tenancy(caller: Caller, tenancy_id: str, request: TenancyUpdate, meta: RequestMeta, *,
                   known_residents: KnownResidents) -> TenancyOut:
    old = require_tenancy(caller, tenancy_id, write=True)
    changes = request.model_dump(exclude_unset=True)
    values: dict[str, Any] = {k: getattr(request, k) for k in changes}
    if "parties" in values:
        values["parties"] = tuple(values["parties"])
        _check_parties(caller.community_id, values["parties"], known_residents)
    new = old.model_copy(update={**values, "version": old.version + 1, "updated_at": clock.iso()})
    try:
        check_due_day(new.rent_period, new.rent_due_day)
    except ValueError as error:
        raise ValidationFailed(details=[FieldError("rent_due_day", str(error))]) from error
    if new.end_on is not None and new.end_on < new.start_on:
        raise ValidationFailed(details=[FieldError("end_on", "may not be before start_on")])
    _save(old, new)
    audit(caller, "tenancy.updated", tenancy_id, meta, fields=sorted(changes))
    return view(new, days.community_today(caller.community_id))


def end_tenancy(caller: Caller, tenancy_id: str, request: TenancyEnd, meta: RequestMeta) -> TenancyOut:
    """Set the last day of the tenancy (earlier or later than a planned end; never before its start)."""
    old = require_tenancy(caller, tenancy_id, write=True)
    if request.end_on < old.start_on:
        raise ValidationFailed(details=[FieldError("end_on", "may not be before start_on")])
    new = old.model_copy(update={"end_on": request.end_on, "version": old.version + 1, "updated_at": clock.iso()})
    _save(old, new)
    audit(caller, "tenancy.ended", tenancy_id, meta, end_on=request.end_on.isoformat())
    return view(new, days.community_today(caller.community_id))


# --- lists ---------------------------------------------------------------------------------------


def _status_fits(tenancy: Tenancy, status: TenancyStatus | None, today: date) -> bool:
    return status is None or tenancy.status_on(today) == status


def _property_page(caller: Caller, property_id: str, status: TenancyStatus | None, today: date, *, limit: int,
                   after: dict[str, Any] | None) -> tuple[list[Tenancy], dict[str, Any] | None]:
    """One property's tenancies; `ended` and `active/upcoming` are key ranges of its end dates."""
    ending_from = today if status in (TenancyStatus.ACTIVE, TenancyStatus.UPCOMING) else None
    ended_before = today if status == TenancyStatus.ENDED else None
    items, last = repository.property_tenancies_page(caller.community_id, property_id, limit=limit, after=after,
                                                     ending_from=ending_from, ended_before=ended_before)
    return [t for t in items if _status_fits(t, status, today)], last


def list_tenancies(caller: Caller, *, property_id: str | None, unit_id: str | None, status: TenancyStatus | None,
                   limit: int, after: str | None) -> TenancyList:
    """Scope-aware: a scoped caller's list reads its properties' index ranges one after another,
    an owner's or tenant's their party links; never the community's tenancies filtered."""
    cid = caller.community_id
    today = days.community_today(cid)
    reach = scope.scope_of(caller)
    if unit_id is not None:
        unit = repository.get_unit(cid, unit_id)
        if unit is None or (property_id is not None and unit.property_id != property_id):
            return TenancyList(items=[])
        found = repository.get_tenancies(cid, [s.tenancy_id for s in unit.spans])
        chosen = [t for t in found.values() if reach.sees_tenancy(t.property_id, t.resident_ids)
                  and _status_fits(t, status, today)]
        return TenancyList(items=[view(t, today) for t in sorted(chosen, key=lambda t: t.start_on)][:limit])
    if reach.resident_id is not None:
        links = repository.resident_links(cid, reach.resident_id) if reach.resident_id else []
        found = repository.get_tenancies(cid, [link.tenancy_id for link in links])
        chosen = [t for t in found.values() if (property_id is None or t.property_id == property_id)
                  and _status_fits(t, status, today)]
        return TenancyList(items=[view(t, today) for t in sorted(chosen, key=lambda t: t.id)][:limit])
    if property_id is not None:
        if not reach.sees_property(property_id):
            return TenancyList(items=[])
        start = start_key(cid, after, gsi1pk=keys.tenancies_of_property(cid, property_id))
        items, last = _property_page(caller, property_id, status, today, limit=limit, after=start)
        return TenancyList(items=[view(t, today) for t in items], next_cursor=cursor.encode(cid, last))
    if reach.community_wide:
        start = start_key(cid, after, pk=keys.community_pk(cid), sk_prefix=keys.TENANCY_PREFIX)
        items, last = repository.tenancies_page(cid, limit=limit, after=start)
        return TenancyList(items=[view(t, today) for t in items if _status_fits(t, status, today)],
                           next_cursor=cursor.encode(cid, last))
    return _scoped_list(caller, reach.ordered_properties(), status, today, limit=limit, after=after)


def _scoped_list(caller: Caller, properties: list[str], status: TenancyStatus | None, today: date, *, limit: int,
                 after: str | None) -> TenancyList:
    """The assigned properties' tenancies, property after property; the cursor names the property
    and the key within it."""
    cid = caller.community_id
    start = cursor.decode(cid, after)
    position, key = 0, None
    if start is not None:
        if start.get("p") not in properties:
            raise InvalidCursor()
        position, key = properties.index(str(start["p"])), start.get("k")
    items: list[TenancyOut] = []
    while position < len(properties) and len(items) < limit:
        page, key = _property_page(caller, properties[position], status, today, limit=limit - len(items), after=key)
        items.extend(view(t, today) for t in page)
        if key is None:
            position += 1
    more = position < len(properties)
    return TenancyList(items=items,
                       next_cursor=cursor.encode(cid, {"p": properties[position], "k": key}) if more else None)
