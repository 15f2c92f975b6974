"""Balances from the rent ledger, and what a property manager sees of the directory.

The rule (docs/residents.md): a resident who is a party to an active tenancy gets `balance` from the
ledger — the sum of their active tenancies' arrears — and `delinquent` from that, so audiences by
status see real arrears; everyone else keeps the typed balance (HOA dues) as before. The resident
also carries the properties of those tenancies, which the one filter evaluator matches
`property_ids` against. Both are applied to residents as they are read, never stored on them.

A manager with property assignments sees only the residents who are parties to tenancies of their
properties (`visible_ids`); everyone else with the residents permission sees the whole directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from shared.platform.context import Caller
from shared.properties import days, facts, repository, scope
from shared.properties.facts import TenancyFacts
from shared.residents.models import Resident


def community_facts(community_id: str) -> TenancyFacts:
    return facts.for_community(community_id, days.community_today(community_id))


def resident_facts(community_id: str, resident_id: str) -> TenancyFacts:
    return facts.for_resident(community_id, resident_id, days.community_today(community_id))


def apply(resident: Resident, known: TenancyFacts) -> Resident:
    found = known.of(resident.id)
    if found is None:
        return resident
    return resident.model_copy(update={"balance": found.arrears, "property_ids": found.property_ids})


def applied(residents: Iterable[Resident], known: TenancyFacts) -> Iterator[Resident]:
    return (apply(r, known) for r in residents)


def visible_ids(caller: Caller) -> set[str] | None:
    """None when the caller sees every resident; else the ids of those they may see."""
    reach = scope.scope_of(caller)
    if not reach.scoped:
        return None
    return facts.parties_of(caller.community_id, reach.ordered_properties())


def is_party(community_id: str, resident_id: str) -> bool:
    """True when the resident is (or was) a party to a tenancy: its ledger names them."""
    return bool(repository.resident_links(community_id, resident_id))


def unknown_properties(community_id: str, property_ids: Iterable[str]) -> list[str]:
    """The ids among `property_ids` that are not properties of the community (one BatchGetItem per 100)."""
    wanted = list(dict.fromkeys(property_ids))
    found = repository.get_properties(community_id, wanted)
    return [pid for pid in wanted if pid not in found]
