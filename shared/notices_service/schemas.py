"""The notices API's shapes (requests forbid unknown fields; money is a two-decimal string)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.notices.models import Check, NoticeType, ServiceMethod
from shared.notices_service.models import Notice, NoticeStatus, ReminderStatus, StoredReminder
from shared.platform.money import Amount, PositiveAmount
from shared.platform.patching import PatchBody, not_null

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
MAX_DOCUMENTS = 20


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DetailsIn(_Request):
    """N1 `{new_rent}`; N4 `{}`; N11 `{tenant_signed_on?, landlord_signed_on?}` (checked against `type`)."""

    new_rent: PositiveAmount | None = None
    tenant_signed_on: date | None = None
    landlord_signed_on: date | None = None


class CalculateIn(_Request):
    type: NoticeType
    tenancy_id: Id
    served_on: date
    service_method: ServiceMethod
    landlord_signed_on: date | None = None  # N11: the later of it and deemed service is the earliest date


class RuleOut(BaseModel):
    rule: str
    citation: str
    text: str


class CalculationOut(BaseModel):
    deemed_served_on: date
    earliest_effective_on: date
    rules: list[RuleOut]


class NoticeCreate(_Request):
    type: NoticeType
    tenancy_id: Id
    effective_on: date | None = None
    details: DetailsIn = Field(default_factory=DetailsIn)


class NoticeUpdate(_Request, PatchBody):
    effective_on: date | None = None
    details: DetailsIn | None = None
    documents: list[Id] | None = Field(default=None, max_length=MAX_DOCUMENTS)

    _not_null = not_null("details", "documents")


class ServeIn(_Request):
    served_on: date
    service_method: ServiceMethod


class DocumentIn(_Request):
    asset_id: Id


class VoidIn(_Request):
    reason: Text


class CompleteIn(_Request):
    note: Text | None = None


class ReminderOut(BaseModel):
    id: str
    notice_id: str
    tenancy_id: str
    due_on: date
    kind: str
    message: str
    status: ReminderStatus

    @classmethod
    def of(cls, r: StoredReminder) -> ReminderOut:
        return cls(id=r.id, notice_id=r.notice_id, tenancy_id=r.tenancy_id, due_on=r.due_on, kind=r.kind,
                   message=r.message, status=r.status)


class ReminderList(BaseModel):
    items: list[ReminderOut]
    next_cursor: str | None = None


class NoticeOut(BaseModel):
    id: str
    type: NoticeType
    tenancy_id: str
    property_id: str
    unit_id: str
    status: NoticeStatus
    details: dict[str, Any]
    effective_on: date | None = None
    served_on: date | None = None
    service_method: ServiceMethod | None = None
    deemed_served_on: date | None = None
    void_reason: str | None = None
    note: str | None = None
    checks: list[Check]
    documents: list[str]
    reminders: list[ReminderOut]
    created_by: str
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, n: Notice, reminders: list[StoredReminder]) -> NoticeOut:
        return cls(id=n.id, type=n.type, tenancy_id=n.tenancy_id, property_id=n.property_id, unit_id=n.unit_id,
                   status=n.status, details=n.details, effective_on=n.effective_on, served_on=n.served_on,
                   service_method=n.service_method, deemed_served_on=n.deemed_served_on, void_reason=n.void_reason,
                   note=n.note, checks=list(n.checks), documents=list(n.documents),
                   reminders=[ReminderOut.of(r) for r in reminders], created_by=n.created_by,
                   created_at=n.created_at, updated_at=n.updated_at)


class NoticeList(BaseModel):
    items: list[NoticeOut]
    next_cursor: str | None = None


class ServeByOut(BaseModel):
    hand: date
    mail: date | None = None


class PlanRowOut(BaseModel):
    tenancy_id: str
    unit_id: str
    current_rent: Amount
    next_eligible_on: date
    guideline_pct: str
    max_rent: Amount | None = None
    exempt: bool
    serve_by: ServeByOut


class PlanOut(BaseModel):
    items: list[PlanRowOut]
    next_cursor: str | None = None
