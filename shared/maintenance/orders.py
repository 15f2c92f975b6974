"""A stored work order and its history, as the domain sees them (storage: `repository`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.maintenance.models import Category, Priority, Status


class Triage(BaseModel):
    """What triage said when the order was created (kept with the order as evidence)."""

    model_config = ConfigDict(frozen=True)

    answers: dict[str, bool] = Field(default_factory=dict)
    severity: Priority
    reasons: list[str] = Field(default_factory=list)
    self_help: list[str] = Field(default_factory=list)


class Vendor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)


class Entry(BaseModel):
    """A notice of entry (RTA s. 27) or a window the lead tenant approved (s. 26(1)(b))."""

    model_config = ConfigDict(frozen=True)

    starts_at: datetime
    ends_at: datetime
    notice_sent_at: datetime | None = None
    approved_by: str | None = None  # the user id of whoever approved this window


class WorkOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    number: int
    property_id: str
    unit_id: str | None = None
    tenancy_id: str | None = None
    title: str
    description: str
    category: Category
    triage: Triage
    priority: Priority
    priority_reason: str | None = None
    status: Status = Status.OPEN
    due_at: datetime
    assignee_id: str | None = None
    vendor: Vendor | None = None
    entry: Entry | None = None
    reopened: int = 0
    completed_at: datetime | None = None
    overdue_noted_at: datetime | None = None  # when the SLA watch mailed about it (once)
    created_by: str
    created_by_role: str
    created_at: datetime
    updated_at: datetime
    version: int = 1


class OrderEvent(BaseModel):
    """One change of an order: created, updated, transition, entry, comment (public ones), alert."""

    model_config = ConfigDict(frozen=True)

    id: str
    work_order_id: str
    kind: str
    at: datetime
    actor_id: str | None = None
    actor_role: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    message_ids: list[str] = Field(default_factory=list)


class Comment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    work_order_id: str
    body: str
    internal: bool = False
    author_id: str
    author_role: str
    created_at: datetime
