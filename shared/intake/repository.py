"""Intake storage: PynamoDB items in, domain models out; conditions stay in here.

A failed write condition comes back as False (a version someone else saved first, an application
whose status changed meanwhile); the services decide which error that is.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.pagination import ResultIterator

from shared.intake.items import ApplicationItem, FormVersionItem
from shared.intake.models import Applicant, Application, ApplicationStatus, FormVersion
from shared.platform import db, keys
from shared.platform.mapping import to_item, to_model

_CONDITION_FAILED = "ConditionalCheckFailedException"


# The form's schemas and the answers keep their author's key order (and non-ASCII text as is).
_FORM_JSON = ("document", "ui_schema")
_ANSWERS_JSON = ("answers",)


# --- form versions --------------------------------------------------------------------------------


def _form(item: FormVersionItem) -> FormVersion:
    return to_model(FormVersion, item, ordered_json=_FORM_JSON)


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
    item = to_item(FormVersionItem, form, keys.intake_form_version(form.community_id, form.version),
                   ordered_json=_FORM_JSON)
    try:
        item.save(condition=FormVersionItem.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


# --- applications ----------------------------------------------------------------------------------


def _application(item: ApplicationItem) -> Application:
    applicant = Applicant(full_name=item.applicant_name, email=item.applicant_email, phone=item.applicant_phone)
    return to_model(Application, item, ordered_json=_ANSWERS_JSON, applicant=applicant)


def _application_item(application: Application) -> ApplicationItem:
    applicant = application.applicant
    return to_item(ApplicationItem, application, keys.application(application.community_id, application.id),
                   ordered_json=_ANSWERS_JSON, exclude=("applicant",), applicant_name=applicant.full_name,
                   applicant_email=applicant.email, applicant_phone=applicant.phone,
                   gsi1pk=keys.applications_by_status(application.community_id, str(application.status)),
                   gsi1sk=application.id)


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
