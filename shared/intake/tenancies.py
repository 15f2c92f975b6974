"""The seam between an application's conversion and the properties domain's tenancies.

Converting an application ends in a tenancy on the chosen unit, under the properties domain's rules
(the unit exists and is in the caller's scope, no overlapping tenancy → 409). Intake does not
re-implement those rules: `applications.convert` takes a `TenancyCreator`, and the convert handler
passes the properties service's own creation function (see docs/intake-forms.md, "Conversion").
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
    def __call__(self, caller: Caller, draft: TenancyDraft, meta: RequestMeta) -> Mapping[str, Any]:
        """Create the tenancy (raising the contract's errors: 404 unit, 409 overlap); its JSON body."""
        ...
