"""A stored notice and its reminders, as the repository returns them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.notices.models import Check, NoticeType, ServiceMethod


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    SERVED = "served"
    EFFECTIVE = "effective"
    COMPLETED = "completed"
    VOID = "void"


OPEN = (NoticeStatus.SERVED, NoticeStatus.EFFECTIVE)  # what void, complete and the payment void apply to


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"


class Notice(BaseModel):
    """`details` is the contract's JSON shape (money as strings): N1 `{new_rent, current_rent, increase_pct,
    guideline_pct, ...}`, N4 `{periods, total}`, N11 `{tenant_signed_on?, landlord_signed_on?}`."""

    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
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
    served_by: str | None = None
    void_reason: str | None = None
    voided_by_payment: bool = False  # the worker's void (RTA s.59(3)); a manual one may say "paid" too
    note: str | None = None
    checks: tuple[Check, ...] = ()
    documents: tuple[str, ...] = ()
    created_by: str
    created_at: str
    updated_at: str
    version: int = 1


class StoredReminder(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # `{notice_id}:{kind}:{due_on}`: stable, so recomputing never duplicates one
    community_id: str
    notice_id: str
    tenancy_id: str
    property_id: str
    key: str  # the rules' `kind:due_on`
    kind: str
    due_on: date
    message: str
    citation: str
    status: ReminderStatus
    created_by: str  # the notice's creator: the reminder is mailed to them and the property's managers
    sent_at: str | None = None
