"""A resident user's tenancies, for `GET /v1/me`: the seam between the portal and property operations.

Issue 12 left this as a seam while the properties domain was on another branch; with it merged, the
answer is that domain's own index of a resident's tenancy links (`shared.properties.repository.
resident_links`, one Query), so the portal never re-implements tenancies. Which tenancies and ledgers
a resident may open is still decided by `shared.properties.scope` on the tenancy routes.
"""

from __future__ import annotations

from shared.portal.schemas import TenancyRef


def tenancies_of(community_id: str, resident_id: str) -> list[TenancyRef]:
    """Every tenancy the resident is (or was) a party to: id, property, unit, and whether they lead it."""
    from shared.properties import repository as properties  # only resident users' /v1/me pays for it

    return [TenancyRef(id=link.tenancy_id, property_id=link.property_id, unit_id=link.unit_id, lead=link.lead)
            for link in properties.resident_links(community_id, resident_id)]
