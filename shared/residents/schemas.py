"""The residents directory's API shapes (requests forbid unknown fields; money is a decimal string).

`ResidentFields` is also what the import pipeline builds from a CSV row (`ResidentFields.model_validate`)
before handing rows to `service.upsert_many`: the same coercions apply to both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from shared.platform import normalise
from shared.platform.patching import PatchBody, not_null
from shared.residents.models import (
    Consent,
    ConsentChange,
    CustomField,
    FieldType,
    Resident,
    ResidentFilter,
    ResidentRole,
    ResidentStatus,
    Segment,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
FieldKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Option = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
MAX_CUSTOM_VALUES = 100
MAX_OPTIONS = 100


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ConsentPatch(_Request):
    """Marketing consent per channel; only the channels given change."""

    email: bool | None = None
    sms: bool | None = None


class ResidentFields(_Request):
    """Every writable field of a resident, each optional; what is given is what gets written."""

    first_name: Name | None = None
    last_name: Name | None = None
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)  # E.164 after the service reads it in the region
    role: ResidentRole | None = None
    unit: str | None = Field(default=None, max_length=50)
    balance: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)  # < MAX_BALANCE
    has_violation: bool | None = None
    tags: list[str] | None = Field(default=None, max_length=normalise.MAX_TAGS)
    custom: dict[str, Any] | None = Field(default=None, max_length=MAX_CUSTOM_VALUES)
    consent: ConsentPatch | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise ValueError("must be an email address")
        return normalise.email(value)

    @field_validator("phone", "unit", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str | None) -> str | None:
        return normalise.unit(value)

    @field_validator("balance", mode="before")
    @classmethod
    def _balance(cls, value: Any) -> Any:
        return None if value is None else normalise.balance(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if isinstance(value, str):  # a CSV cell: "pool;dogs"
            value = value.split(";")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return normalise.tags(value)
        return value


class ResidentCreate(ResidentFields):
    first_name: Name
    last_name: Name
    role: ResidentRole


class ResidentUpdate(ResidentFields, PatchBody):
    """Only the fields given change; `null` clears email, phone or unit; `custom` values of `null` remove them."""

    _not_null = not_null("first_name", "last_name", "role", "balance", "has_violation", "tags", "consent")


class ResidentOut(BaseModel):
    id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    role: ResidentRole
    unit: str | None
    balance: str  # decimal string, two places
    delinquent: bool
    has_violation: bool
    tags: list[str]
    custom: dict[str, Any]
    consent: Consent
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, resident: Resident, threshold: Decimal) -> ResidentOut:
        return cls(
            id=resident.id, first_name=resident.first_name, last_name=resident.last_name, email=resident.email,
            phone=resident.phone, role=resident.role, unit=resident.unit, balance=normalise.money(resident.balance),
            delinquent=resident.delinquent(threshold), has_violation=resident.has_violation,
            tags=list(resident.tags), custom=dict(resident.custom), consent=resident.consent,
            created_at=resident.created_at, updated_at=resident.updated_at,
        )


class ResidentList(BaseModel):
    items: list[ResidentOut]
    next_cursor: str | None = None


class ConsentChangeOut(BaseModel):
    id: str
    channel: str
    value: bool
    source: str
    actor_id: str | None
    at: str

    @classmethod
    def of(cls, change: ConsentChange) -> ConsentChangeOut:
        return cls(id=change.id, channel=str(change.channel), value=change.value, source=change.source,
                   actor_id=change.actor_id, at=change.at)


class ConsentHistory(BaseModel):
    items: list[ConsentChangeOut]
    next_cursor: str | None = None


# --- custom fields ---------------------------------------------------------------------------------


class CustomFieldCreate(_Request):
    key: FieldKey
    label: Label
    type: FieldType
    required: bool = False
    options: list[Option] | None = Field(default=None, max_length=MAX_OPTIONS)

    @model_validator(mode="after")
    def _options_fit_the_type(self) -> CustomFieldCreate:
        check_options(self.type, self.options)
        return self


class CustomFieldUpdate(_Request):
    """Label, required and options may change; the key and type may not (stored values depend on them)."""

    label: Label | None = None
    required: bool | None = None
    options: list[Option] | None = Field(default=None, max_length=MAX_OPTIONS)

    @model_validator(mode="after")
    def _something(self) -> CustomFieldUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        if any(getattr(self, f) is None for f in self.model_fields_set):
            raise ValueError("fields may not be null")
        return self


def check_options(kind: FieldType, options: list[str] | None) -> None:
    with_options = kind in (FieldType.SELECT, FieldType.MULTISELECT)
    if with_options and not options:
        raise ValueError(f"a {kind} field needs options")
    if not with_options and options:
        raise ValueError(f"a {kind} field has no options")
    if options and len({o.casefold() for o in options}) != len(options):
        raise ValueError("options must be distinct")


class CustomFieldOut(BaseModel):
    key: str
    label: str
    type: FieldType
    required: bool
    options: list[str]
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, definition: CustomField) -> CustomFieldOut:
        return cls(key=definition.key, label=definition.label, type=definition.type, required=definition.required,
                   options=list(definition.options), created_at=definition.created_at,
                   updated_at=definition.updated_at)


class CustomFieldList(BaseModel):
    items: list[CustomFieldOut]
    next_cursor: str | None = None


# --- segments --------------------------------------------------------------------------------------


class FilterIn(_Request):
    """The contract's filter: AND across keys, OR within a list; empty lists constrain nothing."""

    roles: list[ResidentRole] | None = Field(default=None, max_length=10)
    statuses: list[ResidentStatus] | None = Field(default=None, max_length=10)
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=50)]] | None = Field(
        default=None, max_length=100)
    units: list[Annotated[str, StringConstraints(min_length=1, max_length=50)]] | None = Field(
        default=None, max_length=500)
    property_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=200)
    custom: dict[str, Any] | None = Field(default=None, max_length=50)

    def to_filter(self) -> ResidentFilter:
        return ResidentFilter.model_validate(self.model_dump(exclude_none=True))


class SegmentCreate(_Request):
    name: Label
    description: str | None = Field(default=None, max_length=500)
    filter: FilterIn


class SegmentUpdate(_Request):
    name: Label | None = None
    description: str | None = Field(default=None, max_length=500)
    filter: FilterIn | None = None

    @model_validator(mode="after")
    def _something(self) -> SegmentUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        if self.name is None and "name" in self.model_fields_set:
            raise ValueError("name may not be null")
        if self.filter is None and "filter" in self.model_fields_set:
            raise ValueError("filter may not be null")
        return self


class SegmentOut(BaseModel):
    id: str
    name: str
    description: str | None
    filter: dict[str, Any]
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, segment: Segment) -> SegmentOut:
        return cls(id=segment.id, name=segment.name, description=segment.description,
                   filter=segment.filter.model_dump(mode="json", exclude_none=True), created_at=segment.created_at,
                   updated_at=segment.updated_at)


class SegmentList(BaseModel):
    items: list[SegmentOut]
    next_cursor: str | None = None


class SegmentPreview(BaseModel):
    count: int
    sample: list[ResidentOut]
