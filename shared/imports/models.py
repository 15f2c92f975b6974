"""A resident import: one CSV file, its progress and what went wrong with which row."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MB = 1024 * 1024
MAX_BYTES = 10 * MB  # the contract: CSV up to 10 MB (the presigned POST's content-length-range)
MAX_ROWS = 50_000  # data rows per file; a bigger file fails before anything is written
MAX_ERRORS = 1_000  # row errors kept on the import; the counts stay exact beyond it
CONTENT_TYPE = "text/csv"

# The contract's header, in its order: the fields a column can fill.
FIELDS: tuple[str, ...] = ("first_name", "last_name", "email", "phone", "role", "unit", "balance",
                           "has_violation", "tags")


class Status(StrEnum):
    PENDING = "pending"  # announced; the file has not arrived
    PROCESSING = "processing"  # a worker holds it; counts grow as batches are written
    COMPLETED = "completed"  # every row counted: created + updated + failed == total
    FAILED = "failed"  # the file could not be read as a whole (see `reason`)


class RowError(BaseModel):
    """`row` is the 1-based data row: the first line after the header is row 1."""

    row: int
    field: str
    message: str


class ResidentImport(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    filename: str
    object_key: str
    column_mapping: dict[str, str] = Field(default_factory=dict)
    status: Status = Status.PENDING
    total: int = 0
    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: tuple[RowError, ...] = ()
    errors_truncated: bool = False
    reason: str | None = None
    ignored_columns: tuple[str, ...] = ()
    rows_done: int = 0  # checkpoint: data rows (blank ones included) already counted
    claim: str | None = None  # the token of the worker holding a processing import
    lease_until: int | None = None  # epoch seconds; after it another delivery may take over
    attempts: int = 0
    created_by: str
    created_at: str
    updated_at: str
    expires_at: int | None = None  # pending only: an upload that never came is forgotten after a day
