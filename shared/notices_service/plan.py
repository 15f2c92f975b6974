"""`GET /v1/tenancies/rent-increase-plan`: `shared.notices.plan.plan_row` for every active tenancy the caller
reaches. Reads each property's open tenancies (one GSI1 range per property) and each tenancy's unit (its
first occupancy decides the s.6.1 exemption): a GetItem per tenancy."""

from __future__ import annotations

from shared.notices.plan import plan_row
from shared.notices_service import facts
from shared.notices_service.schemas import PlanOut, PlanRowOut, ServeByOut
from shared.platform.context import Caller
from shared.properties import days, scope
from shared.properties import repository as properties
from shared.properties.models import TenancyStatus


def rent_increase_plan(caller: Caller) -> PlanOut:
    cid = caller.community_id
    reach = scope.scope_of(caller)
    if reach.resident_id is not None:
        return PlanOut(items=[])
    today = days.community_today(cid)
    property_ids = properties.property_ids(cid) if reach.community_wide else reach.ordered_properties()
    rows: list[PlanRowOut] = []
    for property_id in property_ids:
        for tenancy in properties.open_tenancies(cid, property_id, today):
            if tenancy.status_on(today) != TenancyStatus.ACTIVE:
                continue
            row = plan_row(facts.snapshot(tenancy, with_names=False), today)
            rows.append(PlanRowOut(
                tenancy_id=row.tenancy_id, unit_id=row.unit_id, current_rent=row.current_rent,
                next_eligible_on=row.next_eligible_on, guideline_pct=str(row.guideline_pct), max_rent=row.max_rent,
                exempt=row.exempt, serve_by=ServeByOut(hand=row.serve_by.hand, mail=row.serve_by.mail)))
    return PlanOut(items=sorted(rows, key=lambda r: (r.next_eligible_on, r.tenancy_id)))
