"""`make dev`'s notices: in the rental demo community, a served N4 (with its reminders) for the tenant in
arrears and a draft N1 (with its serve-by reminders) for another, through the service's own use cases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from shared.identity import repository as identity_repository
from shared.notices import evaluate
from shared.notices.models import NoticeType, ServiceMethod
from shared.notices_service import facts, repository, service
from shared.notices_service.schemas import DetailsIn, NoticeCreate, ServeIn
from shared.platform.context import Caller, RequestMeta
from shared.properties import days
from shared.properties import repository as properties
from shared.spec.permissions import Role

_LOCAL = RequestMeta(ip="127.0.0.1", user_agent="porchlight-seed")


def seed(community_id: str, *, in_arrears: str, increase_for: str) -> list[str]:
    """Once per community (nothing when it has a notice): the notices' ids. `in_arrears` / `increase_for`
    are the first names of the tenants whose tenancies get the N4 and the N1."""
    if repository.page(community_id, property_id=None, limit=1, after=None)[0]:
        return []
    users, _ = identity_repository.list_users(community_id, limit=100, after=None)
    admin = next(u for u in users if u.role == Role.ADMIN)
    caller = Caller(user_id=admin.id, community_id=community_id, role=Role.ADMIN, session_id="seed")
    from shared.residents import repository as residents

    by_name: dict[str, str] = {}
    for tenancy in properties.tenancies_page(community_id, limit=100, after=None)[0]:
        found = residents.get_many(community_id, [tenancy.lead])
        if tenancy.lead in found:
            by_name[found[tenancy.lead].first_name] = tenancy.id
    today = days.community_today(community_id)
    n4 = service.create(caller, NoticeCreate(type=NoticeType.N4, tenancy_id=by_name[in_arrears]), _LOCAL)
    served_on = today if today.day != 1 else today - timedelta(days=1)  # never on the rent's due date
    service.serve(caller, n4.id, ServeIn(served_on=served_on, service_method=ServiceMethod.HAND), _LOCAL)
    rising = properties.get_tenancy(community_id, by_name[increase_for])
    assert rising is not None
    effective_on = evaluate.earliest_effective_on(NoticeType.N1, facts.snapshot(rising, with_names=False), today,
                                                  ServiceMethod.HAND)
    new_rent = (rising.rent * Decimal("1.02")).quantize(Decimal("0.01"))
    n1 = service.create(caller, NoticeCreate(type=NoticeType.N1, tenancy_id=rising.id, effective_on=effective_on,
                                             details=DetailsIn(new_rent=new_rent)), _LOCAL)
    return [n4.id, n1.id]
