"""The rules' inputs from the properties domain: a tenancy snapshot (with its unit and parties) and the ledger.

The only place that knows both `shared.properties` and `shared.notices.models`, so neither has to know
the other.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from shared.notices import models as rules
from shared.properties import ledger_service
from shared.properties import repository as properties
from shared.properties.models import LedgerEntry, Tenancy, Unit


def parties(community_id: str, tenancy: Tenancy, signed_on: date | None = None) -> tuple[rules.Party, ...]:
    """Every tenant with their name; `signed_on` (an N11's `tenant_signed_on`) is given to each of them."""
    from shared.residents import repository as residents  # names for the document and the N11 signatures

    found = residents.get_many(tenancy.community_id, tenancy.resident_ids)
    return tuple(rules.Party(resident_id=p.resident_id, lead=p.lead, signed_on=signed_on,
                             name=found[p.resident_id].full_name if p.resident_id in found else p.resident_id)
                 for p in tenancy.parties)


def snapshot(tenancy: Tenancy, *, signed_on: date | None = None, with_names: bool = True,
             unit: Unit | None | Literal[False] = False) -> rules.Tenancy:
    """The rules' view of a tenancy; `unit` when the caller already read it (False: read it here)."""
    if unit is False:
        unit = properties.get_unit(tenancy.community_id, tenancy.unit_id)
    return rules.Tenancy(
        id=tenancy.id, unit_id=tenancy.unit_id, start_on=tenancy.start_on, rent=tenancy.rent,
        rent_period=rules.RentPeriod(str(tenancy.rent_period)), rent_due_day=tenancy.rent_due_day or 1,
        last_increase_on=tenancy.last_increase_on, email_service_consent=tenancy.email_service_consent,
        unit_first_occupied_on=unit.first_occupied_on if unit else None,
        parties=parties(tenancy.community_id, tenancy, signed_on) if with_names else ())


def entry(e: LedgerEntry) -> rules.LedgerEntry:
    return rules.LedgerEntry(id=e.id, kind=rules.EntryKind(str(e.kind)),
                             category=rules.Category(str(e.category)) if e.category else None,
                             amount=e.amount, on=e.on, reverses=e.reverses)


def ledger(community_id: str, tenancy_id: str) -> list[rules.LedgerEntry]:
    return [entry(e) for e in ledger_service.entries(community_id, tenancy_id)]
