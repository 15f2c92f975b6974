"""The work-order API's shapes: triage, orders, transitions, events (requests forbid unknown fields)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from shared.assets.schemas import Name, UploadForm
from shared.maintenance import sla
from shared.maintenance.files import Attachment, Kind
from shared.maintenance.files import Status as FileStatus
from shared.maintenance.health import Health
from shared.maintenance.models import Answers, Category, Priority, Status
from shared.maintenance.orders import Entry, Triage, Vendor, WorkOrder
from shared.platform.patching import PatchBody, not_null


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    answers: Answers


class TriageRule(BaseModel):
    """One rule that applied, with its citations (the contract's `reasons` are these rules' reasons)."""

    rule: str
    severity: Priority
    reason: str
    citations: list[str]


class TriageAnswer(BaseModel):
    severity: Priority
    reasons: list[str]
    self_help: list[str]
    rules: list[TriageRule]
    in_heating_season: bool  # judged on today's date in the community's time zone


# --- work orders (the contract's "Work orders") ------------------------------------------------------

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WorkOrderCreate(_Request):
    """`property_id` or `unit_id` (or both, when they agree). `priority` is staff's override of the
    triage severity and needs a `priority_reason`."""

    property_id: Id | None = None
    unit_id: Id | None = None
    title: Title
    description: Description
    category: Category
    answers: Answers = Answers()
    priority: Priority | None = None
    priority_reason: Reason | None = None

    @model_validator(mode="after")
    def _where(self) -> Self:
        if self.property_id is None and self.unit_id is None:
            raise ValueError("give property_id or unit_id")
        return self


class WorkOrderUpdate(_Request, PatchBody):
    title: Title | None = None
    description: Description | None = None
    category: Category | None = None
    priority: Priority | None = None
    priority_reason: Reason | None = None
    assignee_id: Id | None = None
    vendor: Vendor | None = None

    _not_null = not_null("title", "description", "category", "priority")


class AttachmentOut(BaseModel):
    """The contract's attachment, plus why a rejected one was refused."""

    id: str
    filename: str
    content_type: str
    size: int
    kind: Kind
    status: FileStatus
    has_thumbnail: bool
    rejection_reason: str | None = None
    created_at: datetime

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentOut:
        return cls(id=attachment.id, filename=attachment.filename, content_type=attachment.content_type,
                   size=attachment.size, kind=attachment.kind, status=attachment.status,
                   has_thumbnail=attachment.has_thumbnail, rejection_reason=attachment.rejection_reason,
                   created_at=attachment.created_at)


class WorkOrderOut(BaseModel):
    id: str
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
    status: Status
    due_at: datetime
    overdue: bool
    assignee_id: str | None = None
    vendor: Vendor | None = None
    entry: Entry | None = None
    reopened: int
    completed_at: datetime | None = None
    created_by_role: str
    # The order's attachments in `GET /v1/work-orders/{id}` (one more index read); lists and the answers of
    # changes leave it empty: `GET /v1/work-orders/{id}/attachments` is the attachments' own list.
    attachments: list[AttachmentOut] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: WorkOrder, at: datetime, attachments: list[Attachment] | None = None) -> WorkOrderOut:
        return cls(**order.model_dump(exclude={"community_id", "created_by", "overdue_noted_at", "version"}),
                   overdue=sla.overdue(order.due_at, order.status, at),
                   attachments=[AttachmentOut.of(a) for a in attachments or []])


class WorkOrderList(BaseModel):
    items: list[WorkOrderOut]
    next_cursor: str | None = None


class TransitionRequest(_Request):
    to: Status
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)] | None = None


class EventOut(BaseModel):
    id: str
    kind: str
    at: datetime
    actor_id: str | None = None
    actor_role: str | None = None
    detail: dict[str, object]
    message_ids: list[str]


class EventList(BaseModel):
    items: list[EventOut]


class CommentCreate(_Request):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    internal: StrictBool = False  # staff only: never shown to residents nor mailed


class CommentOut(BaseModel):
    id: str
    body: str
    internal: bool
    author_id: str
    author_role: str
    created_at: datetime


class CommentList(BaseModel):
    items: list[CommentOut]


class EntryRequest(_Request):
    """A window to enter the order's unit; `reason` goes into the notice (default: the order's work)."""

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: Reason | None = None


class EntryApproval(_Request):
    """The lead tenant's consent to this window (RTA s. 26(1)(b))."""

    starts_at: AwareDatetime
    ends_at: AwareDatetime


class RiskOut(BaseModel):
    kind: str
    category: Category
    reason: str
    evidence: list[str]  # work-order ids, newest month first
    recommendation: str
    points: int


class SeasonalOut(BaseModel):
    task: str
    due_by: date
    status: str  # done | due | missed
    done_on: date | None = None


class HealthOut(BaseModel):
    score: int
    risks: list[RiskOut]
    seasonal: list[SeasonalOut]

    @classmethod
    def of(cls, result: Health) -> HealthOut:
        return cls(score=result.score,
                   risks=[RiskOut(kind=str(r.kind), category=r.category, reason=r.reason, evidence=list(r.evidence),
                                  recommendation=r.recommendation, points=r.points) for r in result.risks],
                   seasonal=[SeasonalOut(task=str(s.task), due_by=s.due_by, status=s.status, done_on=s.done_on)
                             for s in result.seasonal])


# --- attachments -------------------------------------------------------------------------------------


class AttachmentCreate(_Request):
    """Type and size are checked by the service: an unknown type is 422, a known one too big 413."""

    filename: Name
    content_type: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    size: int = Field(ge=1, strict=True, description="bytes; the upload may not be bigger")

    @field_validator("content_type")
    @classmethod
    def _media_type(cls, value: str) -> str:
        """`Image/JPEG; q=1` -> `image/jpeg`: the type the upload is bound to."""
        return value.split(";", 1)[0].strip().lower()


class AttachmentCreated(BaseModel):
    attachment: AttachmentOut
    upload: UploadForm


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


class Variant(StrEnum):
    ORIGINAL = "original"
    THUMBNAIL = "thumbnail"
