"""The imports API's shapes: `POST /v1/residents/imports` and `GET /v1/residents/imports/{id}`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.assets.schemas import Name, UploadForm
from shared.imports.models import ResidentImport, RowError, Status

ImportField = Literal["first_name", "last_name", "email", "phone", "role", "unit", "balance", "has_violation",
                      "tags"]
ColumnName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
MAX_MAPPED_COLUMNS = 50


def _one_column_per_field(mapping: dict[str, str]) -> dict[str, str]:
    fields = list(mapping.values())
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise ValueError(f"maps several columns to {', '.join(repeated)}; a field takes one column")
    return mapping


class ImportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Name
    column_mapping: Annotated[dict[ColumnName, ImportField], Field(max_length=MAX_MAPPED_COLUMNS),
                              AfterValidator(_one_column_per_field)] = Field(
        default_factory=dict, description="the file's column name -> our field, for headers that differ")


class ImportOut(BaseModel):
    id: str
    import_id: str
    filename: str
    status: Status
    total: int
    created: int
    updated: int
    failed: int
    errors: list[RowError] = Field(description="at most 1,000; `row` 1 is the first line after the header")
    errors_truncated: bool
    reason: str | None = Field(default=None, description="why a failed import could not read the file")
    ignored_columns: list[str]
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, job: ResidentImport) -> ImportOut:
        return cls(id=job.id, import_id=job.id, filename=job.filename, status=job.status, total=job.total,
                   created=job.created, updated=job.updated, failed=job.failed, errors=list(job.errors),
                   errors_truncated=job.errors_truncated, reason=job.reason,
                   ignored_columns=list(job.ignored_columns), created_at=job.created_at,
                   updated_at=job.updated_at)


class ImportCreated(BaseModel):
    import_id: str
    upload: UploadForm
