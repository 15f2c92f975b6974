"""SEAM (issue 12 → the properties issue): a resident user's tenancies, for `GET /v1/me`.

The properties, units and tenancies domain is another branch's work and not on main yet, so this
module is where it plugs in: `tenancies_of` answers every tenancy the resident is a party to. Until
the properties domain is merged it has no tenancies to read and answers an empty list; wiring it
is replacing `_no_tenancy_store_yet` with that domain's query (e.g. its tenancies-by-resident key).
"""

from __future__ import annotations

from collections.abc import Callable

from shared.portal.schemas import TenancyRef

TenancyLookup = Callable[[str, str], list[TenancyRef]]  # (community id, resident id) -> tenancies


def _no_tenancy_store_yet(community_id: str, resident_id: str) -> list[TenancyRef]:
    return []


lookup: TenancyLookup = _no_tenancy_store_yet


def tenancies_of(community_id: str, resident_id: str) -> list[TenancyRef]:
    return lookup(community_id, resident_id)
