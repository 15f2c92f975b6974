"""The seam between an application's conversion and the properties domain's tenancies.

Converting an application ends in a tenancy on the chosen unit, under the properties domain's rules
(the unit exists and is in the caller's scope, no overlapping tenancy → 409). Intake does not
re-implement those rules: `applications.convert` takes a `TenancyCreator`, and the convert handler
passes `PROPERTIES`, the adapter onto `shared.properties.tenancies` (see docs/intake-forms.md,
"Conversion"). The properties modules are imported on use: only the convert function needs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from shared.platform.context import Caller, RequestMeta


@dataclass(frozen=True)
class TenancyDraft:
    """The contract's tenancy request, with the converted applicant as its one (lead) party."""

    unit_id: str
    start_on: date
    rent: Decimal
    rent_period: str
    rent_due_day: int | None
    resident_id: str
    email_service_consent: bool = False

    def parties(self) -> list[dict[str, Any]]:
        return [{"resident_id": self.resident_id, "lead": True}]


class TenancyCreator(Protocol):
    def check(self, caller: Caller, unit_id: str, start_on: date, lead_id: str | None) -> Mapping[str, Any] | None:
        """Refuse what creation would refuse about the unit and dates before any record is made (422 unit,
        403, 409 overlap); return the tenancy an earlier attempt made (`lead_id` its lead, same start)."""
        ...

    def __call__(self, caller: Caller, draft: TenancyDraft, meta: RequestMeta) -> Mapping[str, Any]:
        """Create the tenancy (raising the contract's errors: 422 unit, 409 overlap); its JSON body."""
        ...


class PropertiesTenancies:
    """`TenancyCreator` onto the properties domain: its scope, overlap and party rules, its audit."""

    def check(self, caller: Caller, unit_id: str, start_on: date, lead_id: str | None) -> Mapping[str, Any] | None:
        from shared.properties.tenancies import check_lease

        earlier = check_lease(caller, unit_id, start_on, lead_id=lead_id)
        return earlier.model_dump(mode="json") if earlier is not None else None

    def __call__(self, caller: Caller, draft: TenancyDraft, meta: RequestMeta) -> Mapping[str, Any]:
        from shared.properties.models import Party, RentPeriod
        from shared.properties.schemas import TenancyCreate
        from shared.properties.tenancies import create_tenancy
        from shared.residents import repository as residents

        request = TenancyCreate(unit_id=draft.unit_id, parties=[Party(resident_id=draft.resident_id, lead=True)],
                                start_on=draft.start_on, rent=draft.rent, rent_period=RentPeriod(draft.rent_period),
                                rent_due_day=draft.rent_due_day, email_service_consent=draft.email_service_consent)
        return create_tenancy(caller, request, meta, known_residents=residents.get_many).model_dump(mode="json")


PROPERTIES = PropertiesTenancies()
