"""What the notice rules read and what they answer: small frozen models, no storage, no other domain.

The later notices service maps the properties domain (tenancy, unit, ledger) into these inputs; the
rules never import that domain, so they stay testable by tables of cases and cannot drift with it.
Money is `Decimal` with two places; percentages are `Decimal` percent (2.1 means 2.1 %).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Two places, half up: how every amount the rules show is written."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


Money = Annotated[Decimal, AfterValidator(money)]


class NoticeType(StrEnum):
    N1 = "n1"
    N4 = "n4"
    N11 = "n11"


class RentPeriod(StrEnum):
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"


class ServiceMethod(StrEnum):
    HAND = "hand"
    MAILBOX = "mailbox"
    MAIL = "mail"
    COURIER = "courier"
    EMAIL = "email"


class EntryKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    CREDIT = "credit"
    REVERSAL = "reversal"


class Category(StrEnum):
    RENT = "rent"
    FEE = "fee"
    DEPOSIT = "deposit"
    OTHER = "other"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Party(_Frozen):
    """A tenant on the tenancy; `signed_on` is when they signed the N11 (None: not signed)."""

    resident_id: str
    name: str
    lead: bool = False
    signed_on: date | None = None


class Tenancy(_Frozen):
    """A snapshot of one tenancy as the rules need it (the contract's tenancy plus its unit's first occupancy)."""

    id: str
    unit_id: str
    start_on: date
    rent: Money = Field(gt=0)
    rent_period: RentPeriod = RentPeriod.MONTHLY
    rent_due_day: int = Field(default=1, ge=1, le=28)
    last_increase_on: date | None = None
    email_service_consent: bool = False
    unit_first_occupied_on: date | None = None
    parties: tuple[Party, ...] = ()


class LedgerEntry(_Frozen):
    """One ledger entry in posting order; a `reversal` undoes the entry named by `reverses`."""

    id: str
    kind: EntryKind
    category: Category | None = None
    amount: Money = Field(ge=0)
    on: date
    reverses: str | None = None


class Check(_Frozen):
    """One rule applied to one notice: the contract's `{rule, citation, ok, message}`."""

    rule: str
    citation: str
    ok: bool
    message: str


class RuleText(_Frozen):
    """A rule as `calculate` lists it: `{rule, citation, text}`."""

    rule: str
    citation: str
    text: str


class Calculation(_Frozen):
    """The contract's `POST /v1/notices/calculate` answer."""

    deemed_served_on: date
    earliest_effective_on: date
    rules: tuple[RuleText, ...]


class Evaluation(_Frozen):
    """Every check of a notice against a service: what `serve` re-runs before it changes anything."""

    deemed_served_on: date
    earliest_effective_on: date
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)


class ArrearsPeriod(_Frozen):
    """One rent period with rent still owing (the contract's N4 `periods[]`: `from`/`to` in JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True)

    from_on: date = Field(serialization_alias="from")
    to_on: date = Field(serialization_alias="to")
    charged: Money
    paid: Money
    owing: Money


class Arrears(_Frozen):
    """The N4 `details`: `{periods: [{from, to, charged, paid, owing}], total}`."""

    periods: tuple[ArrearsPeriod, ...]
    total: Money


class N1Details(_Frozen):
    """The N1 `details` once computed: the increase set against the guideline of its year."""

    current_rent: Money
    new_rent: Money
    increase_pct: Decimal
    guideline_pct: Decimal
    guideline_year: int
    max_rent: Money | None  # None: the unit is exempt (s.6.1), no guideline cap
    exempt: bool


class Reminder(_Frozen):
    """One reminder a notice needs: due on `due_on`, about the deadline `about_on`."""

    kind: str
    due_on: date
    about_on: date
    message: str
    citation: str

    @property
    def key(self) -> str:
        """Stable per notice: recomputing the reminders yields the same keys, so storing them is idempotent."""
        return f"{self.kind}:{self.due_on.isoformat()}"


class ServeBy(_Frozen):
    hand: date
    mail: date | None  # None: too late to reach next_eligible_on by mail from today


class PlanRow(_Frozen):
    """One row of `GET /v1/tenancies/rent-increase-plan`."""

    tenancy_id: str
    unit_id: str
    current_rent: Money
    next_eligible_on: date
    guideline_pct: Decimal
    max_rent: Money | None
    exempt: bool
    serve_by: ServeBy


class Service(_Frozen):
    """How a notice was served: what the certificate of service states."""

    method: ServiceMethod
    served_on: date
    deemed_served_on: date
    served_by: str


class RuleFailed(Exception):
    """A notice broke at least one rule; the HTTP edge answers 422 `NOTICE_RULE_FAILED` with these checks."""

    def __init__(self, checks: tuple[Check, ...]) -> None:
        self.checks = checks
        super().__init__("; ".join(f"{c.rule} ({c.citation}): {c.message}" for c in checks))
