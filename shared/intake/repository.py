"""Intake storage: PynamoDB items in, domain models out; conditions stay in here.

A failed write condition comes back as False (a version someone else saved first, an application
whose status changed meanwhile); the services decide which error that is.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.pagination import ResultIterator

from shared.intake.items import ApplicationItem, FormVersionItem
from shared.intake.models import Applicant, Application, ApplicationStatus, FormVersion
from shared.platform import db, keys

_CONDITION_FAILED = "ConditionalCheckFailedException"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- form versions --------------------------------------------------------------------------------


def _form(item: FormVersionItem) -> FormVersion:
    return FormVersion(community_id=item.community_id, version=int(item.version),
                       document=json.loads(item.document), ui_schema=json.loads(item.ui_schema or "{}"),
                       created_at=item.created_at, created_by=item.created_by)


def latest_form(community_id: str) -> FormVersion | None:
    db.bind()
    found = FormVersionItem.query(keys.community_pk(community_id),
                                  FormVersionItem.sk.startswith(keys.INTAKE_FORM_PREFIX),
                                  scan_index_forward=False, limit=1)
    return next((_form(item) for item in found), None)


def form_version(community_id: str, version: int) -> FormVersion | None:
    db.bind()
    try:
        return _form(FormVersionItem.get(*keys.intake_form_version(community_id, version)))
    except DoesNotExist:
        return None


def save_form(form: FormVersion) -> bool:
    """Store a new version; False when that version number is already taken (never overwritten)."""
    db.bind()
    pk, sk = keys.intake_form_version(form.community_id, form.version)
    item = FormVersionItem(pk, sk, community_id=form.community_id, version=form.version,
                           document=_json(form.document), ui_schema=_json(form.ui_schema),
                           created_at=form.created_at, created_by=form.created_by)
    try:
        item.save(condition=FormVersionItem.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


# --- applications ----------------------------------------------------------------------------------


def _application(item: ApplicationItem) -> Application:
    return Application(
        id=item.id, community_id=item.community_id, form_version=int(item.form_version),
        answers=json.loads(item.answers),
        applicant=Applicant(full_name=item.applicant_name, email=item.applicant_email, phone=item.applicant_phone),
        status=ApplicationStatus(item.status), note=item.note, reviewed_by=item.reviewed_by,
        resident_id=item.resident_id, tenancy_id=item.tenancy_id, created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _application_item(application: Application) -> ApplicationItem:
    pk, sk = keys.application(application.community_id, application.id)
    return ApplicationItem(
        pk, sk, id=application.id, community_id=application.community_id, form_version=application.form_version,
        answers=_json(application.answers), applicant_name=application.applicant.full_name,
        applicant_email=application.applicant.email, applicant_phone=application.applicant.phone,
        status=str(application.status), note=application.note, reviewed_by=application.reviewed_by,
        resident_id=application.resident_id, tenancy_id=application.tenancy_id,
        created_at=application.created_at, updated_at=application.updated_at,
        gsi1pk=keys.applications_by_status(application.community_id, str(application.status)),
        gsi1sk=application.id,
    )


def create_application(application: Application) -> None:
    db.bind()
    _application_item(application).save(condition=ApplicationItem.pk.does_not_exist())


def get_application(community_id: str, application_id: str) -> Application | None:
    db.bind()
    try:
        return _application(ApplicationItem.get(*keys.application(community_id, application_id)))
    except DoesNotExist:
        return None


def replace_application(application: Application, *, expected_status: ApplicationStatus) -> bool:
    """Store a change made on the application as read; False when its status changed meanwhile."""
    db.bind()
    condition = ApplicationItem.pk.exists() & (ApplicationItem.status == str(expected_status))
    try:
        _application_item(application).save(condition=condition)
    except PutError as exc:
        if exc.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


def page_applications(community_id: str, status: ApplicationStatus | None, *, limit: int,
                      after: dict[str, Any] | None) -> tuple[list[Application], dict[str, Any] | None]:
    """Newest first; one status is a key condition on GSI1, all of them the community's partition."""
    db.bind()
    result: ResultIterator[Any]
    if status is None:
        result = ApplicationItem.query(keys.community_pk(community_id),
                                       ApplicationItem.sk.startswith(keys.APPLICATION_PREFIX),
                                       scan_index_forward=False, limit=limit, last_evaluated_key=after)
    else:
        result = ApplicationItem.gsi1.query(keys.applications_by_status(community_id, str(status)),
                                            scan_index_forward=False, limit=limit, last_evaluated_key=after)
    items = [_application(item) for item in result if isinstance(item, ApplicationItem)]
    return items, result.last_evaluated_key
