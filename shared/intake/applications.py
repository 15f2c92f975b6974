"""Rental application use cases: the public submission, staff review, and conversion into a tenancy.

A submission is checked in this order, cheapest refusal first: per-IP limit, community, per-address
limit, answers' size and nesting, the named form version, the answers against that version (every
error at its JSON pointer), the applicant's phone. It is stored with its answers and version, never
re-validated against a newer form; the applicant and the staff are mailed through the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.identity import repository as identity_repository
from shared.intake import answers, forms, repository
from shared.intake.models import Applicant, Application, ApplicationStatus
from shared.intake.profile import json_depth, pointer, serialise
from shared.intake.schemas import (
    ApplicationConvert,
    ApplicationCreate,
    ApplicationCreated,
    ApplicationList,
    ApplicationOut,
    ApplicationPatch,
    ApplicationSummary,
)
from shared.intake.tenancies import TenancyCreator, TenancyDraft
from shared.platform import clock, cursor, ids, keys, ratelimit
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, NotFound, PayloadTooLarge, ValidationFailed
from shared.platform.masking import mask_email
from shared.platform.observability import logger
from shared.spec.permissions import Role

# Anonymous endpoint: an office behind one NAT may send a few dozen an hour; one address, a handful
# (a retry with the same Idempotency-Key replays the first answer and is not counted again).
APPLY_PER_IP = ratelimit.Rule("apply-ip", 20, 3600)
APPLY_PER_ADDRESS = ratelimit.Rule("apply-address", 3, 3600)
MAX_ANSWERS_BYTES = 64 * 1024
MAX_ANSWERS_DEPTH = 16
STAFF_ROLES = (Role.ADMIN, Role.MANAGER)
CHANGED = "The application was changed meanwhile; fetch it and try again."


def _audit(community_id: str, action: str, application_id: str, *, actor: str | None, meta: RequestMeta,
           **detail: object) -> None:
    publish(AuditEvent(community_id=community_id, action=action, actor_id=actor,
                       target=f"application:{application_id}", ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail=dict(detail)))


def _bounded(raw: dict[str, Any]) -> None:
    too_deep = json_depth(raw, MAX_ANSWERS_DEPTH)
    if too_deep is not None:
        raise ValidationFailed(details=[FieldError("/answers" + pointer(too_deep),
                                                   f"answers nest deeper than {MAX_ANSWERS_DEPTH} levels")])
    try:
        size = len(serialise(raw).encode())
    except ValueError as error:
        raise ValidationFailed(details=[FieldError("/answers", "numbers must be finite (no NaN or Infinity)")]
                               ) from error
    if size > MAX_ANSWERS_BYTES:
        raise PayloadTooLarge(f"The answers are {size} bytes; at most {MAX_ANSWERS_BYTES} are accepted.")


def _phone(raw: str | None, region: str) -> str | None:
    if raw is None:
        return None
    from shared.platform import normalise  # E.164, read in the community's region as residents are

    try:
        return normalise.phone(raw, region)
    except ValueError as error:
        raise ValidationFailed(details=[FieldError("applicant.phone", str(error))]) from error


def submit(slug: str, request: ApplicationCreate, meta: RequestMeta) -> ApplicationCreated:
    ratelimit.hit(APPLY_PER_IP, meta.ip)
    community = forms.community_for(slug)
    ratelimit.hit(APPLY_PER_ADDRESS, f"{community.id}|{request.applicant.email}")
    _bounded(request.answers)
    validator = forms.validator(community.id, request.form_version)
    if validator is None:
        raise ValidationFailed(details=[FieldError("form_version", "no such version of this community's form")])
    found = answers.errors(validator, request.answers)
    if found:
        raise ValidationFailed("The answers do not fit the form.",
                               details=[FieldError(where, message) for where, message in found])
    applicant = Applicant(full_name=request.applicant.full_name, email=request.applicant.email,
                          phone=_phone(request.applicant.phone, community.default_region or "US"))
    now = clock.iso()
    application = Application(id=ids.new_id(), community_id=community.id, form_version=request.form_version,
                              answers=request.answers, applicant=applicant, status=ApplicationStatus.SUBMITTED,
                              created_at=now, updated_at=now)
    repository.create_application(application)
    _audit(community.id, "application.submitted", application.id, actor=None, meta=meta,
           form_version=application.form_version, applicant=mask_email(applicant.email))
    _mail(application, community.name)
    return ApplicationCreated(id=application.id)


def _staff_addresses(community_id: str) -> list[str]:
    """Active admins' and managers' emails (a community's staff list is short: pages of 100)."""
    found, after = [], None
    while True:
        users, after = identity_repository.list_users(community_id, limit=100, after=after)
        found += [u.email for u in users if u.role in STAFF_ROLES and u.status == "active"]
        if not after:
            return found


def _mail(application: Application, community_name: str) -> None:
    from shared.intake import mail  # the outbox and the template sandbox: only the submitting function

    mail.send_confirmation(application.community_id, application.applicant.email,
                           full_name=application.applicant.full_name, community_name=community_name,
                           reference=application.id, submitted_on=application.created_at[:10])
    for address in _staff_addresses(application.community_id):
        mail.send_staff_notice(application.community_id, address, applicant_name=application.applicant.full_name,
                               community_name=community_name, application_id=application.id,
                               form_version=application.form_version)


# --- review --------------------------------------------------------------------------------------------


def _require(community_id: str, application_id: str) -> Application:
    application = repository.get_application(community_id, application_id)
    if application is None:
        raise NotFound("No such application.")
    return application


def list_applications(caller: Caller, status: ApplicationStatus | None, *, limit: int,
                      after: str | None) -> ApplicationList:
    from shared.residents.service import start_key  # the one "cursor stays in its community and kind" check

    cid = caller.community_id
    start = start_key(cid, after, keys.APPLICATION_PREFIX)
    items, last = repository.page_applications(cid, status, limit=limit, after=start)
    return ApplicationList(items=[ApplicationSummary.of(a) for a in items], next_cursor=cursor.encode(cid, last))


def detail(caller: Caller, application_id: str) -> ApplicationOut:
    return ApplicationOut.of(_require(caller.community_id, application_id))


def review(caller: Caller, application_id: str, request: ApplicationPatch, meta: RequestMeta) -> ApplicationOut:
    """Move between reviewing, approved and declined (audited); a converted application is final (409)."""
    old = _require(caller.community_id, application_id)
    if old.status == ApplicationStatus.CONVERTED:
        raise Conflict("This application was converted into a tenancy; its status is final.")
    note = request.note if "note" in request.model_fields_set else old.note
    new = old.model_copy(update={"status": ApplicationStatus(request.status), "note": note,
                                 "reviewed_by": caller.user_id, "updated_at": clock.iso()})
    if not repository.replace_application(new, expected_status=old.status):
        raise Conflict(CHANGED)
    _audit(caller.community_id, "application.status_changed", application_id, actor=caller.user_id, meta=meta,
           **{"from": str(old.status), "to": str(new.status), "note": note is not None})
    return ApplicationOut.of(new)


# --- conversion ------------------------------------------------------------------------------------------


def _names(application: Application) -> tuple[str, str]:
    """First and last name: the form's `personal` answers when it has them, else split from full_name."""
    personal = application.answers.get("personal")
    if isinstance(personal, dict):
        first, last = personal.get("first_name"), personal.get("last_name")
        if isinstance(first, str) and isinstance(last, str) and first.strip() and last.strip():
            return first.strip()[:100], last.strip()[:100]
    parts = application.applicant.full_name.split()
    if len(parts) == 1:
        return parts[0][:100], parts[0][:100]
    return " ".join(parts[:-1])[:100], parts[-1][:100]


def tenant_resident(caller: Caller, application: Application, meta: RequestMeta,
                    existing: str | None = None) -> tuple[str, bool]:
    """The applicant's resident record: the one already holding their email, or a new tenant.
    Returns (resident id, created). Retrying a conversion finds the resident made the first time."""
    from shared.residents import service as residents
    from shared.residents.models import ResidentRole
    from shared.residents.schemas import ResidentCreate

    email = application.applicant.email
    existing = existing or residents.resident_id_for_email(caller.community_id, email)
    if existing is not None:
        return existing, False
    first, last = _names(application)
    phone = application.applicant.phone
    for with_phone in ((True, False) if phone else (False,)):
        request = ResidentCreate(first_name=first, last_name=last, email=email, role=ResidentRole.TENANT,
                                 phone=phone if with_phone else None)
        try:
            return residents.create(caller, request, meta).id, True
        except Conflict as taken:
            fields = {d.field for d in taken.details}
            if "email" in fields:  # created concurrently: the directory now has them
                again = residents.resident_id_for_email(caller.community_id, email)
                if again is not None:
                    return again, False
            if "phone" not in fields:
                raise
            logger.info("applicant's phone belongs to another resident; converting without it")
    raise Conflict("The applicant's phone number belongs to another resident.")  # pragma: no cover


def convert(caller: Caller, application_id: str, request: ApplicationConvert, meta: RequestMeta,
            tenancies: TenancyCreator) -> Mapping[str, Any]:
    """An approved application → its applicant as a tenant resident (deduplicated by email) and the lead
    party of a new tenancy on the unit. The tenancy follows the properties domain's rules (422, 403, 409).

    Safe to retry: the unit and dates are checked before the resident is made (a refusal leaves nothing
    behind); a retry after a failure between the tenancy and the application's update finds the resident
    by email and the tenancy by its lead and start day, and finishes; a converted application is final (409).
    """
    from shared.residents import service as residents

    application = _require(caller.community_id, application_id)
    if application.status == ApplicationStatus.CONVERTED:
        raise Conflict("This application was already converted.")
    if application.status != ApplicationStatus.APPROVED:
        raise Conflict("Only an approved application can be converted; approve it first.")
    known = residents.resident_id_for_email(caller.community_id, application.applicant.email)
    earlier = tenancies.check(caller, request.unit_id, request.start_on, known)
    resident_id, created = tenant_resident(caller, application, meta, existing=known)
    if earlier is not None:
        tenancy = earlier
        logger.info("conversion retried: the tenancy made the first time is kept")
    else:
        draft = TenancyDraft(unit_id=request.unit_id, start_on=request.start_on, rent=request.rent,
                             rent_period=request.rent_period, rent_due_day=request.rent_due_day,
                             resident_id=resident_id)
        tenancy = tenancies(caller, draft, meta)
    converted = application.model_copy(update={
        "status": ApplicationStatus.CONVERTED, "resident_id": resident_id, "tenancy_id": str(tenancy["id"]),
        "reviewed_by": caller.user_id, "updated_at": clock.iso()})
    if not repository.replace_application(converted, expected_status=ApplicationStatus.APPROVED):
        raise Conflict(CHANGED)
    _audit(caller.community_id, "application.converted", application_id, actor=caller.user_id, meta=meta,
           resident_id=resident_id, resident_created=created, tenancy_id=converted.tenancy_id)
    return tenancy
