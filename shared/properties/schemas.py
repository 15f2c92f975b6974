"""Property operations' API shapes (requests forbid unknown fields; money is a two-decimal string)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.platform.money import Amount, PositiveAmount
from shared.platform.patching import PatchBody, not_null
from shared.properties.models import (
    Address,
    ChargeCategory,
    EntryKind,
    LedgerEntry,
    Party,
    PaymentMethod,
    Property,
    PropertyKind,
    RentPeriod,
    Tenancy,
    TenancyStatus,
    Unit,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
MAX_PARTIES = 10


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- properties ----------------------------------------------------------------------------------


class PropertyCreate(_Request):
    name: Name
    kind: PropertyKind
    address: Address


class PropertyUpdate(_Request, PatchBody):
    name: Name | None = None
    kind: PropertyKind | None = None
    address: Address | None = None

    _not_null = not_null("name", "kind", "address")


class PropertyOut(BaseModel):
    id: str
    name: str
    kind: PropertyKind
    address: Address
    unit_count: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, prop: Property) -> PropertyOut:
        return cls(id=prop.id, name=prop.name, kind=prop.kind, address=prop.address, unit_count=prop.unit_count,
                   created_at=prop.created_at, updated_at=prop.updated_at)


class PropertyList(BaseModel):
    items: list[PropertyOut]
    next_cursor: str | None = None


# --- units ---------------------------------------------------------------------------------------


class UnitCreate(_Request):
    label: Label
    bedrooms: int | None = Field(default=None, ge=0, le=50)
    first_occupied_on: date | None = None


class UnitUpdate(_Request, PatchBody):
    label: Label | None = None
    bedrooms: int | None = Field(default=None, ge=0, le=50)
    first_occupied_on: date | None = None

    _not_null = not_null("label")


class UnitOut(BaseModel):
    id: str
    property_id: str
    label: str
    bedrooms: int | None = None
    first_occupied_on: date | None = None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(id=unit.id, property_id=unit.property_id, label=unit.label, bedrooms=unit.bedrooms,
                   first_occupied_on=unit.first_occupied_on, created_at=unit.created_at, updated_at=unit.updated_at)


class UnitList(BaseModel):
    items: list[UnitOut]
    next_cursor: str | None = None


# --- tenancies -----------------------------------------------------------------------------------


def check_parties(parties: list[Party]) -> None:
    ids = [p.resident_id for p in parties]
    if len(set(ids)) != len(ids):
        raise ValueError("a resident may be a party only once")
    if sum(1 for p in parties if p.lead) != 1:
        raise ValueError("exactly one party must be the lead")


def check_due_day(period: RentPeriod, day: int | None) -> None:
    if period == RentPeriod.MONTHLY and (day is None or not 1 <= day <= 28):
        raise ValueError("rent_due_day must be 1 to 28 for monthly rent")
    if period == RentPeriod.WEEKLY and (day is None or not 1 <= day <= 7):
        raise ValueError("rent_due_day must be 1 to 7 (Monday = 1) for weekly rent")
    if period == RentPeriod.DAILY and day is not None:
        raise ValueError("daily rent has no rent_due_day")


class TenancyCreate(_Request):
    unit_id: str = Field(min_length=1, max_length=64)
    property_id: str | None = Field(default=None, min_length=1, max_length=64)  # optional: the unit's
    parties: list[Party] = Field(min_length=1, max_length=MAX_PARTIES)
    start_on: date
    end_on: date | None = None
    rent: PositiveAmount
    rent_period: RentPeriod
    rent_due_day: int | None = None
    last_increase_on: date | None = None
    email_service_consent: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_parties(self.parties)
        check_due_day(self.rent_period, self.rent_due_day)
        if self.end_on is not None and self.end_on < self.start_on:
            raise ValueError("end_on may not be before start_on")
        return self


class TenancyUpdate(_Request, PatchBody):
    parties: list[Party] | None = Field(default=None, min_length=1, max_length=MAX_PARTIES)
    start_on: date | None = None
    end_on: date | None = None
    rent: PositiveAmount | None = None
    rent_period: RentPeriod | None = None
    rent_due_day: int | None = None
    last_increase_on: date | None = None
    email_service_consent: bool | None = None

    _not_null = not_null("parties", "start_on", "rent", "rent_period", "email_service_consent")

    @model_validator(mode="after")
    def _parties(self) -> Self:
        if self.parties is not None:
            check_parties(self.parties)
        return self


class TenancyEnd(_Request):
    end_on: date


class TenancyOut(BaseModel):
    id: str
    property_id: str
    unit_id: str
    parties: list[Party]
    start_on: date
    end_on: date | None = None
    rent: Amount
    rent_period: RentPeriod
    rent_due_day: int | None = None
    last_increase_on: date | None = None
    email_service_consent: bool
    status: TenancyStatus
    balance: Amount
    arrears: Amount
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, t: Tenancy, today: date) -> TenancyOut:
        return cls(id=t.id, property_id=t.property_id, unit_id=t.unit_id, parties=list(t.parties),
                   start_on=t.start_on, end_on=t.end_on, rent=t.rent, rent_period=t.rent_period,
                   rent_due_day=t.rent_due_day, last_increase_on=t.last_increase_on,
                   email_service_consent=t.email_service_consent, status=t.status_on(today), balance=t.balance,
                   arrears=t.arrears_on(today), created_at=t.created_at, updated_at=t.updated_at)


class TenancyList(BaseModel):
    items: list[TenancyOut]
    next_cursor: str | None = None


# --- the ledger ----------------------------------------------------------------------------------


class ChargeIn(_Request):
    amount: PositiveAmount
    on: date
    category: ChargeCategory
    description: Text


class PaymentIn(_Request):
    amount: PositiveAmount
    on: date
    method: PaymentMethod
    reference: str | None = Field(default=None, min_length=1, max_length=100)
    description: Text | None = None


class CreditIn(_Request):
    amount: PositiveAmount
    on: date
    description: Text


class ReverseIn(_Request):
    reason: Text


class EntryOut(BaseModel):
    id: str
    kind: EntryKind
    category: ChargeCategory | None = None
    amount: Amount
    on: date
    description: str
    method: PaymentMethod | None = None
    reference: str | None = None
    reverses: str | None = None
    period_start: date | None = None  # rent charged by the rent job: the period it pays for
    period_end: date | None = None
    balance_after: Amount
    posted_at: str

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryOut:
        return cls(id=e.id, kind=e.kind, category=e.category, amount=e.amount, on=e.on, description=e.description,
                   method=e.method, reference=e.reference, reverses=e.reverses, period_start=e.period_start,
                   period_end=e.period_end, balance_after=e.balance_after, posted_at=e.posted_at)


class LedgerOut(BaseModel):
    items: list[EntryOut]
    balance: Amount
    arrears: Amount
    next_cursor: str | None = None


class PostedOut(EntryOut):
    """A new entry, with the tenancy's totals once it was posted."""

    tenancy_balance: Amount
    tenancy_arrears: Amount

    @classmethod
    def posted(cls, e: LedgerEntry, balance: Decimal, arrears: Decimal) -> PostedOut:
        return cls(**EntryOut.of(e).model_dump(), tenancy_balance=balance, tenancy_arrears=arrears)
