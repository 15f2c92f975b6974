"""The residents directory's domain: residents, consent, custom field definitions, segments, filters.

These are what the repository returns and what the services, the filter evaluator, the outbox and
(later) the import pipeline and campaigns work with. Storage items never leave the repository.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.platform.channels import Channel


class ResidentRole(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    BOARD = "board"


class ResidentStatus(StrEnum):
    """Derived states a filter can ask for (the contract's `status=`)."""

    DELINQUENT = "delinquent"
    HAS_VIOLATION = "has_violation"


class Consent(BaseModel):
    """Marketing consent per channel: False means opted out of marketing on that channel."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: bool = True
    sms: bool = False

    def allows(self, channel: Channel) -> bool:
        return self.email if channel == Channel.EMAIL else self.sms


class Resident(BaseModel):
    """One resident as stored. `email` is lower-cased, `phone` E.164, `balance` exact (2 places)."""

    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    role: ResidentRole
    unit: str | None = None
    balance: Decimal = Decimal("0.00")
    has_violation: bool = False
    tags: list[str] = Field(default_factory=list)
    custom: dict[str, Any] = Field(default_factory=dict)
    consent: Consent = Field(default_factory=Consent)
    version: int = 1  # +1 on every write: edits are conditional on the version read
    created_at: str
    updated_at: str
    # Derived when read, never stored (shared.residents.ledger): the properties of the resident's active
    # tenancies, which the filter's `property_ids` matches.
    property_ids: frozenset[str] = frozenset()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def delinquent(self, threshold: Decimal) -> bool:
        """The contract's rule: balance above the community's delinquency threshold."""
        return self.balance > threshold


class ConsentChange(BaseModel):
    """One entry of a resident's consent history."""

    model_config = ConfigDict(frozen=True)

    id: str
    resident_id: str
    channel: Channel
    value: bool
    source: str  # "api:{user}", "import:{id}", "unsubscribe", "sms:stop", ...
    actor_id: str | None = None
    at: str


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    SELECT = "select"
    MULTISELECT = "multiselect"


class CustomField(BaseModel):
    """A community's definition of one custom resident field; residents hold `custom[key]`."""

    model_config = ConfigDict(frozen=True)

    key: str
    community_id: str
    label: str
    type: FieldType
    required: bool = False
    options: list[str] = Field(default_factory=list)  # select and multiselect only
    created_at: str
    updated_at: str


class ResidentFilter(BaseModel):
    """The contract's filter: AND across keys, OR within a list. An absent or empty list is no constraint.

    `custom` maps a field key to the accepted values (one value or a list of them); a multiselect
    value matches when it holds any of them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    roles: list[ResidentRole] | None = None
    statuses: list[ResidentStatus] | None = None
    tags: list[str] | None = None
    units: list[str] | None = None
    property_ids: list[str] | None = None  # parties to an active tenancy in any of these properties
    custom: dict[str, Any] | None = None


class Segment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    name: str
    description: str | None = None
    filter: ResidentFilter
    created_at: str
    updated_at: str
