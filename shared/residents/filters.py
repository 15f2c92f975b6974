"""The one filter evaluator: segments, the resident list's filters and campaign audiences all use it.

A filter (`ResidentFilter`) is AND across its keys and OR within each list; an absent or empty
list constrains nothing. It is plain Python over `Resident` records, so whoever has residents
(a page of the list, every resident of a community from `repository.iter_community`) can select
from them without a database round trip per criterion:

    threshold = settings.delinquency_threshold(community_id)
    chosen = [r for r in repository.iter_community(community_id) if matches(r, flt, threshold=threshold)]

Comparisons are case-insensitive for text (tags are stored lower-case already, units and custom
text are compared case-folded), exact for numbers (as decimals) and booleans.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.residents.models import Resident, ResidentFilter, ResidentStatus


def _status_holds(resident: Resident, status: ResidentStatus, threshold: Decimal) -> bool:
    if status == ResidentStatus.DELINQUENT:
        return resident.delinquent(threshold)
    return resident.has_violation


def _canonical(value: Any) -> Any:
    """One comparable form per scalar: case-folded text, decimal numbers, booleans as they are."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    return str(value).strip().casefold()


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def _custom_holds(resident: Resident, key: str, wanted: Any) -> bool:
    accepted = {_canonical(v) for v in _as_list(wanted)}
    if not accepted:
        return True  # an empty list constrains nothing, as for the other keys
    if key not in resident.custom:
        return False
    held = {_canonical(v) for v in _as_list(resident.custom[key])}
    return not held.isdisjoint(accepted)


def matches(resident: Resident, flt: ResidentFilter, *, threshold: Decimal) -> bool:
    """True when `resident` satisfies every given key of `flt` (any value within a key's list).

    `threshold` is the community's delinquency threshold (`status: delinquent` is derived from it).
    """
    if flt.roles and resident.role not in flt.roles:
        return False
    if flt.statuses and not any(_status_holds(resident, s, threshold) for s in flt.statuses):
        return False
    if flt.tags and not {t.strip().lower() for t in flt.tags} & set(resident.tags):
        return False
    if flt.units:
        unit = (resident.unit or "").casefold()
        if not unit or unit not in {u.strip().casefold() for u in flt.units}:
            return False
    if flt.property_ids and resident.property_ids.isdisjoint(flt.property_ids):
        return False
    return all(_custom_holds(resident, key, wanted) for key, wanted in (flt.custom or {}).items())


def search_matches(resident: Resident, q: str | None) -> bool:
    """The list's `q`: a prefix of the first name, last name, full name or email (case-insensitive)."""
    if not q or not q.strip():
        return True
    needle = " ".join(q.split()).casefold()
    haystack = (resident.first_name, resident.last_name, resident.full_name, resident.email or "")
    return any(value.casefold().startswith(needle) for value in haystack)


def select(residents: Iterable[Resident], flt: ResidentFilter, *, threshold: Decimal) -> Iterator[Resident]:
    """The residents that match `flt`, lazily and in the order given."""
    return (r for r in residents if matches(r, flt, threshold=threshold))
