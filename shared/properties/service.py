"""Properties and units: create, read, list, edit, delete — every call through `scope.authorize`.

Lists of a scoped caller (a property manager or owner) read only their properties: a BatchGetItem
of the assigned ids, never a filtered read of the whole community.
"""

from __future__ import annotations

from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.onboarding import hooks as onboarding_hooks
from shared.platform import clock, cursor, ids, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, InvalidCursor, NotFound
from shared.properties import repository, scope
from shared.properties.models import Property, Unit
from shared.properties.schemas import (
    PropertyCreate,
    PropertyList,
    PropertyOut,
    PropertyUpdate,
    UnitCreate,
    UnitList,
    UnitOut,
    UnitUpdate,
)

CHANGED = "It was changed meanwhile; fetch it and try again."


def audit(caller: Caller, action: str, target: str, meta: RequestMeta | None, **detail: object) -> None:
    publish(AuditEvent(community_id=caller.community_id, action=action, actor_id=caller.user_id, target=target,
                       ip=meta.ip if meta else "", user_agent=(meta.user_agent if meta else "")[:512],
                       detail=dict(detail)))


def _label_taken() -> Conflict:
    return Conflict("Another unit of this property has this label.",
                    details=[FieldError("label", "is already used by another unit of the property")])


def _s(key: dict[str, Any], name: str) -> str:
    return str((key.get(name) or {}).get("S", ""))


def start_key(community_id: str, after: str | None, *, pk: str | None = None, sk_prefix: str = "",
              gsi1pk: str | None = None) -> dict[str, Any] | None:
    """A decoded cursor, refused unless it points into the list it is presented to."""
    start = cursor.decode(community_id, after)
    if start is None:
        return None
    if gsi1pk is not None:
        fits = _s(start, "gsi1pk") == gsi1pk
    else:
        fits = _s(start, "pk") == pk and _s(start, "sk").startswith(sk_prefix)
    if not fits:
        raise InvalidCursor()
    return start


# --- properties ----------------------------------------------------------------------------------


def require_property(caller: Caller, property_id: str, *, write: bool = False) -> Property:
    scope.authorize(caller, property_id, write=write)
    prop = repository.get_property(caller.community_id, property_id)
    if prop is None:
        raise NotFound("No such property.")
    return prop


def create_property(caller: Caller, request: PropertyCreate, meta: RequestMeta) -> PropertyOut:
    scope.require_community_wide(caller)
    now = clock.iso()
    prop = Property(id=ids.new_id(), community_id=caller.community_id, name=request.name, kind=request.kind,
                    address=request.address, created_at=now, updated_at=now)
    repository.create_property(prop)
    audit(caller, "property.created", prop.id, meta, name=prop.name)
    onboarding_hooks.property_created(caller.community_id)  # never raises: guidance, not part of the write
    return PropertyOut.of(prop)


def get_property(caller: Caller, property_id: str) -> PropertyOut:
    return PropertyOut.of(require_property(caller, property_id))


def list_properties(caller: Caller, *, limit: int, after: str | None) -> PropertyList:
    cid = caller.community_id
    reach = scope.scope_of(caller)
    if reach.community_wide:
        start = start_key(cid, after, pk=keys.community_pk(cid), sk_prefix=keys.PROPERTY_PREFIX)
        items, last = repository.properties_page(cid, limit=limit, after=start)
        return PropertyList(items=[PropertyOut.of(p) for p in items], next_cursor=cursor.encode(cid, last))
    start = cursor.decode(cid, after)
    begin = str(start.get("after", "")) if start else ""
    wanted = [pid for pid in reach.ordered_properties() if pid > begin][:limit]
    found = repository.get_properties(cid, wanted)
    more = len(wanted) == limit and wanted[-1] != reach.ordered_properties()[-1]
    return PropertyList(items=[PropertyOut.of(found[p]) for p in wanted if p in found],
                        next_cursor=cursor.encode(cid, {"after": wanted[-1]}) if more else None)


def update_property(caller: Caller, property_id: str, request: PropertyUpdate, meta: RequestMeta) -> PropertyOut:
    old = require_property(caller, property_id, write=True)
    changes = request.model_dump(exclude_unset=True)
    new = old.model_copy(update={**{k: getattr(request, k) for k in changes}, "updated_at": clock.iso()})
    try:
        repository.update_property(new)
    except repository.Conflict as conflict:
        raise NotFound("No such property.") from conflict
    audit(caller, "property.updated", property_id, meta, fields=sorted(changes))
    return PropertyOut.of(repository.get_property(caller.community_id, property_id) or new)


def delete_property(caller: Caller, property_id: str, meta: RequestMeta) -> None:
    require_property(caller, property_id, write=True)
    try:
        repository.delete_property(caller.community_id, property_id)
    except repository.Conflict as conflict:
        raise Conflict("The property still has units; delete them first.") from conflict
    audit(caller, "property.deleted", property_id, meta)


# --- units ---------------------------------------------------------------------------------------


def require_unit(caller: Caller, unit_id: str, *, write: bool = False) -> Unit:
    unit = repository.get_unit(caller.community_id, unit_id)
    if unit is None:
        raise NotFound("No such unit.")
    scope.authorize(caller, unit.property_id, write=write)
    return unit


def create_unit(caller: Caller, property_id: str, request: UnitCreate, meta: RequestMeta) -> UnitOut:
    require_property(caller, property_id, write=True)
    now = clock.iso()
    unit = Unit(id=ids.new_id(), community_id=caller.community_id, property_id=property_id, label=request.label,
                bedrooms=request.bedrooms, first_occupied_on=request.first_occupied_on, created_at=now,
                updated_at=now)
    try:
        repository.create_unit(unit)
    except repository.Conflict as conflict:
        if conflict.reason == repository.LABEL_TAKEN:
            raise _label_taken() from conflict
        raise NotFound("No such property.") from conflict
    audit(caller, "unit.created", unit.id, meta, property_id=property_id, label=unit.label)
    return UnitOut.of(unit)


def get_unit(caller: Caller, unit_id: str) -> UnitOut:
    return UnitOut.of(require_unit(caller, unit_id))


def list_units(caller: Caller, property_id: str, *, limit: int, after: str | None) -> UnitList:
    require_property(caller, property_id)
    cid = caller.community_id
    start = start_key(cid, after, gsi1pk=keys.units_of_property(cid, property_id))
    items, last = repository.units_page(cid, property_id, limit=limit, after=start)
    return UnitList(items=[UnitOut.of(u) for u in items], next_cursor=cursor.encode(cid, last))


def update_unit(caller: Caller, unit_id: str, request: UnitUpdate, meta: RequestMeta) -> UnitOut:
    old = require_unit(caller, unit_id, write=True)
    changes = request.model_dump(exclude_unset=True)
    new = old.model_copy(update={**{k: getattr(request, k) for k in changes}, "version": old.version + 1,
                                 "updated_at": clock.iso()})
    try:
        repository.update_unit(old, new)
    except repository.Conflict as conflict:
        if conflict.reason == repository.LABEL_TAKEN:
            raise _label_taken() from conflict
        raise Conflict(CHANGED) from conflict
    audit(caller, "unit.updated", unit_id, meta, fields=sorted(changes))
    return UnitOut.of(new)


def delete_unit(caller: Caller, unit_id: str, meta: RequestMeta) -> None:
    unit = require_unit(caller, unit_id, write=True)
    if unit.spans:
        raise Conflict("A tenancy uses this unit; it cannot be deleted.")
    try:
        repository.delete_unit(unit)
    except repository.Conflict as conflict:
        raise Conflict(CHANGED) from conflict
    audit(caller, "unit.deleted", unit_id, meta, property_id=unit.property_id)
