"""What the residents directory needs to know about tenancies: arrears and properties per resident.

A resident who is a party to an active tenancy owes that tenancy's arrears (joint tenants each owe the
whole); `TenancyFacts` sums them, with the properties of those tenancies (the audience filter's
`property_ids`). Read per request from the tenancies not ended by today — one Query of each property's
GSI1 range, never the ledger and never the ended tenancies — and evaluated on today in the community's
time zone, so it is never stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.platform.money import ZERO
from shared.properties import repository
from shared.properties.models import Tenancy, TenancyStatus


@dataclass(frozen=True)
class ResidentTenancies:
    arrears: Decimal
    property_ids: frozenset[str]


@dataclass(frozen=True)
class TenancyFacts:
    """Per resident id, their active tenancies' arrears and properties; absent: no active tenancy."""

    today: date
    by_resident: dict[str, ResidentTenancies] = field(default_factory=dict)

    def of(self, resident_id: str) -> ResidentTenancies | None:
        return self.by_resident.get(resident_id)


def _collect(tenancies: Iterable[Tenancy], today: date) -> dict[str, ResidentTenancies]:
    arrears: dict[str, Decimal] = {}
    properties: dict[str, set[str]] = {}
    for tenancy in tenancies:
        if tenancy.status_on(today) != TenancyStatus.ACTIVE:
            continue
        owed = tenancy.arrears_on(today)
        for rid in tenancy.resident_ids:
            arrears[rid] = arrears.get(rid, ZERO) + owed
            properties.setdefault(rid, set()).add(tenancy.property_id)
    return {rid: ResidentTenancies(arrears[rid], frozenset(properties[rid])) for rid in arrears}


def for_community(community_id: str, today: date) -> TenancyFacts:
    """Every active tenancy of the community, by party: a Query per property (ids only) plus one per
    property's open tenancies. A community without properties costs one Query."""
    tenancies = (t for pid in repository.property_ids(community_id)
                 for t in repository.open_tenancies(community_id, pid, today))
    return TenancyFacts(today=today, by_resident=_collect(tenancies, today))


def for_resident(community_id: str, resident_id: str, today: date) -> TenancyFacts:
    """One resident's: their party links (a Query) and those tenancies (a BatchGetItem)."""
    links = repository.resident_links(community_id, resident_id)
    found = repository.get_tenancies(community_id, [link.tenancy_id for link in links]) if links else {}
    collected = _collect(found.values(), today)
    return TenancyFacts(today=today, by_resident={k: v for k, v in collected.items() if k == resident_id})


def parties_of(community_id: str, property_ids: Iterable[str]) -> set[str]:
    """Residents who are (or were) parties to tenancies of these properties: what a property manager
    sees of the residents directory."""
    found: set[str] = set()
    for pid in property_ids:
        after = None
        while True:
            page, after = repository.property_tenancies_page(community_id, pid, limit=200, after=after)
            for tenancy in page:
                found.update(tenancy.resident_ids)
            if after is None:
                break
    return found
