"""`GET /v1/tenancies/rent-increase-plan`: `shared.notices.plan.plan_row` for every active tenancy the caller
reaches, soonest eligible first, paged like every list.

The order is by date, which only the whole set decides, so each page reads every open tenancy in reach (one
GSI1 range per property) and their units in BatchGetItem calls of 100 (a unit's first occupancy decides the
s.6.1 exemption), then answers the slice after the cursor. For a portfolio of 1,000 tenancies that is one
range per property and 10 batch reads a page, not 1,000 GetItems.
"""

from __future__ import annotations

from shared.notices.plan import plan_row
from shared.notices_service import facts
from shared.notices_service.schemas import PlanOut, PlanRowOut, ServeByOut
from shared.platform import cursor
from shared.platform.context import Caller
from shared.platform.errors import InvalidCursor
from shared.properties import days, scope
from shared.properties import repository as properties
from shared.properties.models import Tenancy, TenancyStatus


def _order(row: PlanRowOut) -> list[str]:
    return [row.next_eligible_on.isoformat(), row.tenancy_id]


def _active(caller: Caller) -> list[Tenancy]:
    cid = caller.community_id
    reach = scope.scope_of(caller)
    if reach.resident_id is not None:
        return []
    today = days.community_today(cid)
    property_ids = properties.property_ids(cid) if reach.community_wide else reach.ordered_properties()
    return [t for p in property_ids for t in properties.open_tenancies(cid, p, today)
            if t.status_on(today) == TenancyStatus.ACTIVE]


def rent_increase_plan(caller: Caller, *, limit: int, after: str | None) -> PlanOut:
    cid = caller.community_id
    start = cursor.decode(cid, after)
    begin = start.get("after") if start else None
    if start is not None and not (isinstance(begin, list) and len(begin) == 2
                                  and all(isinstance(part, str) for part in begin)):
        raise InvalidCursor()
    today = days.community_today(cid)
    tenancies = _active(caller)
    units = properties.get_units(cid, (t.unit_id for t in tenancies))
    rows: list[PlanRowOut] = []
    for tenancy in tenancies:
        row = plan_row(facts.snapshot(tenancy, with_names=False, unit=units.get(tenancy.unit_id)), today)
        rows.append(PlanRowOut(
            tenancy_id=row.tenancy_id, unit_id=row.unit_id, current_rent=row.current_rent,
            next_eligible_on=row.next_eligible_on, guideline_pct=str(row.guideline_pct), max_rent=row.max_rent,
            exempt=row.exempt, serve_by=ServeByOut(hand=row.serve_by.hand, mail=row.serve_by.mail)))
    rows.sort(key=_order)
    rest = [r for r in rows if begin is None or _order(r) > begin]
    page = rest[:limit]
    more = len(rest) > limit
    return PlanOut(items=page, next_cursor=cursor.encode(cid, {"after": _order(page[-1])}) if more else None)
