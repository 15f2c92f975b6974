"""Intake forms' and applications' API shapes, as the contract writes them (requests forbid unknown fields).

`schema` is a field name pydantic reserves on models, so it is declared as `form_schema` with the
alias `schema`: the JSON on the wire is the contract's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator

from shared.intake.models import Application, ApplicationStatus, FormVersion

MAX_NOTE = 2_000


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Answer(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class IntakeFormPut(_Request):
    form_schema: dict[str, Any] = Field(alias="schema")
    ui_schema: dict[str, Any] = Field(default_factory=dict)


class PublicIntakeForm(_Answer):
    version: int
    form_schema: dict[str, Any] = Field(alias="schema")
    ui_schema: dict[str, Any]

    @classmethod
    def of(cls, form: FormVersion) -> PublicIntakeForm:
        return cls(version=form.version, form_schema=form.document, ui_schema=form.ui_schema)


class IntakeFormOut(PublicIntakeForm):
    updated_at: str
    updated_by: str | None

    @classmethod
    def of(cls, form: FormVersion) -> IntakeFormOut:
        return cls(version=form.version, form_schema=form.document, ui_schema=form.ui_schema,
                   updated_at=form.created_at, updated_by=form.created_by)


class ApplicantIn(_Request):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    phone: str | None = Field(default=None, min_length=1, max_length=40)  # read as E.164 by the service

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class ApplicationCreate(_Request):
    form_version: int = Field(ge=1, le=1_000_000)
    answers: dict[str, Any]
    applicant: ApplicantIn


class ApplicationCreated(BaseModel):
    id: str
    status: Literal["submitted"] = "submitted"


class ApplicantOut(BaseModel):
    full_name: str
    email: str
    phone: str | None = None


class ApplicationSummary(BaseModel):
    id: str
    status: ApplicationStatus
    form_version: int
    applicant: ApplicantOut
    note: str | None = None
    reviewed_by: str | None = None
    resident_id: str | None = None
    tenancy_id: str | None = None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, application: Application) -> ApplicationSummary:
        return cls(**_common(application))


class ApplicationOut(ApplicationSummary):
    answers: dict[str, Any]

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        return cls(**_common(application), answers=application.answers)


def _common(application: Application) -> dict[str, Any]:
    return {
        "id": application.id, "status": application.status, "form_version": application.form_version,
        "applicant": ApplicantOut(**application.applicant.model_dump()), "note": application.note,
        "reviewed_by": application.reviewed_by, "resident_id": application.resident_id,
        "tenancy_id": application.tenancy_id, "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


class ApplicationList(BaseModel):
    items: list[ApplicationSummary]
    next_cursor: str | None


class ApplicationPatch(_Request):
    status: Literal[ApplicationStatus.REVIEWING, ApplicationStatus.APPROVED, ApplicationStatus.DECLINED]
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class ApplicationConvert(_Request):
    """`POST /v1/applications/{id}/convert`: the tenancy the applicant starts (properties' rules apply)."""

    unit_id: str = Field(min_length=1, max_length=64)
    start_on: date
    rent: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    rent_period: Literal["monthly", "weekly", "daily"]
    rent_due_day: int | None = Field(default=None, ge=1, le=28, validate_default=True)  # 1–28 monthly, 1–7 weekly

    @field_validator("rent_due_day")
    @classmethod
    def _due_day_fits_the_period(cls, day: int | None, info: ValidationInfo) -> int | None:
        """The properties domain's rule, checked here so a misfit is a 422 on `rent_due_day` at the edge."""
        from shared.properties.models import RentPeriod
        from shared.properties.schemas import check_due_day

        period = info.data.get("rent_period")
        if period is not None:
            check_due_day(RentPeriod(period), day)
        return day
