"""Intake domain models: immutable form versions and the applications submitted on them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class FormVersion(BaseModel):
    """One saved version of a community's form. Never changed once stored; every version is kept."""

    model_config = ConfigDict(frozen=True)

    community_id: str
    version: int
    document: dict[str, Any]  # the JSON Schema (2020-12, within the profile of `shared.intake.profile`)
    ui_schema: dict[str, Any]
    created_at: str
    created_by: str | None = None  # None for the default form every community starts with


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    REVIEWING = "reviewing"
    APPROVED = "approved"
    DECLINED = "declined"
    CONVERTED = "converted"  # became a tenant resident and a tenancy; final


# What staff may set by PATCH (the contract's three); `converted` only comes from the conversion.
REVIEW_STATUSES = (ApplicationStatus.REVIEWING, ApplicationStatus.APPROVED, ApplicationStatus.DECLINED)


class Applicant(BaseModel):
    model_config = ConfigDict(frozen=True)

    full_name: str
    email: str  # lower-cased
    phone: str | None = None  # E.164


class Application(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    form_version: int
    answers: dict[str, Any]  # as submitted, valid under `form_version`; never re-validated
    applicant: Applicant
    status: ApplicationStatus
    note: str | None = None
    reviewed_by: str | None = None
    resident_id: str | None = None
    tenancy_id: str | None = None
    created_at: str
    updated_at: str
