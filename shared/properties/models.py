"""Property operations' domain: properties, units, tenancies and their rent ledgers.

These are what the repository returns and what the services (and later the tenant portal, work
orders, Ontario notices and rental applications) work with; storage items never leave the repository.

Dates that the contract writes as `..._on` are calendar dates in the community's time zone. A
tenancy's `status` and `arrears` depend on "today" there, so they are computed when read
(`status_on`, `arrears_on`), never stored: nothing has to rewrite tenancies at midnight.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.platform.money import ZERO


class PropertyKind(StrEnum):
    RENTAL = "rental"
    CONDO = "condo"
    HOA = "hoa"


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    province: str = Field(min_length=2, max_length=50)
    postal_code: str = Field(min_length=3, max_length=20)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")  # ISO 3166 alpha-2


class Property(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    name: str
    kind: PropertyKind
    address: Address
    unit_count: int = 0  # kept by the unit create/delete transactions, never counted
    created_at: str
    updated_at: str


class Span(BaseModel):
    """One tenancy's dates as its unit keeps them: the unit checks overlaps against these."""

    model_config = ConfigDict(frozen=True)

    tenancy_id: str
    start_on: date
    end_on: date | None = None

    def overlaps(self, start_on: date, end_on: date | None) -> bool:
        """Inclusive date ranges; an open end runs for ever."""
        return (self.end_on is None or start_on <= self.end_on) and (end_on is None or self.start_on <= end_on)


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    property_id: str
    label: str
    bedrooms: int | None = None
    first_occupied_on: date | None = None  # N1: rent-control exemption of units first occupied after 2018-11-15
    spans: tuple[Span, ...] = ()  # every tenancy of the unit, ended ones included
    version: int = 1  # +1 on every write: tenancy writes are conditional on it (no overlap can race in)
    created_at: str
    updated_at: str

    def clashes(self, start_on: date, end_on: date | None, *, ignore: str | None = None) -> Span | None:
        return next((s for s in self.spans if s.tenancy_id != ignore and s.overlaps(start_on, end_on)), None)


class RentPeriod(StrEnum):
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"


class TenancyStatus(StrEnum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


class Party(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    resident_id: str = Field(min_length=1, max_length=64)
    lead: bool = False


class Tenancy(BaseModel):
    """A lease of one unit, with its ledger's running totals.

    `balance` is the sum of the ledger's entries (charges less payments and credits, reversals
    undoing their entry); `future_charges` holds the charges dated after the day they were posted,
    by date, so `arrears_on(today)` needs no read of the ledger. `version` guards every write of the
    item: ledger postings and edits are conditional on the version read, so postings serialise and
    `balance_after` is exact.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    property_id: str
    unit_id: str
    parties: tuple[Party, ...]
    start_on: date
    end_on: date | None = None
    rent: Decimal
    rent_period: RentPeriod
    rent_due_day: int | None = None  # 1–28 (monthly), 1–7 Monday = 1 (weekly), None (daily)
    last_increase_on: date | None = None
    email_service_consent: bool = False
    balance: Decimal = ZERO
    future_charges: dict[str, Decimal] = Field(default_factory=dict)  # ISO date → amount still to fall due
    entry_count: int = 0
    last_entry_id: str | None = None  # entry ids only grow (ULIDs, bumped past this one when needed)
    rent_from: date  # the first due date the rent job may charge (never before the tenancy was created)
    rent_charged_through: date | None = None  # the last due date the rent job charged
    version: int = 1
    created_at: str
    updated_at: str

    @property
    def lead(self) -> str:
        return next(p.resident_id for p in self.parties if p.lead)

    @property
    def resident_ids(self) -> tuple[str, ...]:
        return tuple(p.resident_id for p in self.parties)

    def status_on(self, today: date) -> TenancyStatus:
        if today < self.start_on:
            return TenancyStatus.UPCOMING
        if self.end_on is not None and today > self.end_on:
            return TenancyStatus.ENDED
        return TenancyStatus.ACTIVE

    def arrears_on(self, today: date) -> Decimal:
        """The part of `balance` owed from charges dated `today` or earlier (never below zero)."""
        not_due = sum((amount for on, amount in self.future_charges.items() if on > today.isoformat()), ZERO)
        return max(self.balance - not_due, ZERO)


class EntryKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    CREDIT = "credit"
    REVERSAL = "reversal"


class ChargeCategory(StrEnum):
    RENT = "rent"
    FEE = "fee"
    DEPOSIT = "deposit"
    OTHER = "other"


class PaymentMethod(StrEnum):
    ETRANSFER = "etransfer"
    CHEQUE = "cheque"
    CASH = "cash"
    CARD = "card"
    PAD = "pad"
    OTHER = "other"


class LedgerEntry(BaseModel):
    """One immutable ledger entry. `amount` is always positive: the kind gives the sign.

    Rent charged by the rent job carries the period it pays for (`period_start`..`period_end`), which
    is what an N4 lists arrears by.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    tenancy_id: str
    kind: EntryKind
    category: ChargeCategory | None = None
    amount: Decimal
    on: date
    description: str
    method: PaymentMethod | None = None
    reference: str | None = None
    reverses: str | None = None
    reverses_kind: EntryKind | None = None  # of the reversed entry: a reversal's sign is its opposite
    period_start: date | None = None
    period_end: date | None = None
    balance_after: Decimal
    posted_by: str | None = None  # user id, or "rent-job"
    posted_at: str

    @property
    def effect(self) -> Decimal:
        """The entry's signed effect on the balance: charges add, payments and credits subtract, and a
        reversal undoes its entry (subtracts a charge's amount, adds back a payment's or credit's)."""
        if self.kind == EntryKind.REVERSAL:
            return -self.amount if self.reverses_kind == EntryKind.CHARGE else self.amount
        return self.amount if self.kind == EntryKind.CHARGE else -self.amount
