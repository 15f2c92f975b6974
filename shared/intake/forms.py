"""Intake form use cases: the current form, saving a new version, reading any version, the public form.

Versions are immutable and numbered 1, 2, 3...; saving writes version n + 1 only if nobody else wrote
it first (409 otherwise). Version 1 of every community is the default form (`default_form`), stored
the first time the community's form is needed (read, saved over, or applied on), so from then on it
is as frozen as any other version, whatever later releases change in the default.

Validators are compiled once per (community, version) and kept in a small per-process LRU: a version
never changes, so a cached validator can never be stale.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.community import repository as communities
from shared.community.models import Community
from shared.intake import answers, default_form, profile, repository
from shared.intake.models import FormVersion
from shared.intake.schemas import IntakeFormOut, IntakeFormPut, PublicIntakeForm
from shared.platform import clock
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, NotFound, ValidationFailed

MAX_DETAILS = 100
VALIDATOR_CACHE_SIZE = 64
_validators: OrderedDict[tuple[str, int], Any] = OrderedDict()


def _install_default(community_id: str) -> FormVersion:
    first = FormVersion(community_id=community_id, version=1, document=default_form.SCHEMA,
                        ui_schema=default_form.UI_SCHEMA, created_at=clock.iso())
    if repository.save_form(first):
        return first
    stored = repository.form_version(community_id, 1)  # a concurrent first use stored it
    if stored is None:  # pragma: no cover - the conditional put failed, so the item exists
        raise RuntimeError("form version 1 vanished")
    return stored


def current(community_id: str) -> FormVersion:
    """The newest version; the default form becomes version 1 the first time it is needed."""
    return repository.latest_form(community_id) or _install_default(community_id)


def version(community_id: str, number: int) -> FormVersion | None:
    found = repository.form_version(community_id, number)
    if found is None and number == 1:  # version 1 always exists: it is the default until first used
        return _install_default(community_id)
    return found


def validator(community_id: str, number: int) -> Any | None:
    """The compiled validator of that version (cached), or None when the version does not exist."""
    key = (community_id, number)
    cached = _validators.get(key)
    if cached is not None:
        _validators.move_to_end(key)
        return cached
    form = version(community_id, number)
    if form is None:
        return None
    compiled = answers.compile(form.document)
    _validators[key] = compiled
    if len(_validators) > VALIDATOR_CACHE_SIZE:
        _validators.popitem(last=False)
    return compiled


def _refuse(problems: list[profile.Problem], prefix: str) -> ValidationFailed:
    details = [FieldError(prefix + p.pointer, p.message) for p in problems[:MAX_DETAILS]]
    if len(problems) > MAX_DETAILS:
        details.append(FieldError(prefix, f"{len(problems) - MAX_DETAILS} more problems not listed"))
    return ValidationFailed("The form schema is not allowed.", details=details)


def _ui_problems(ui_schema: dict[str, Any]) -> list[profile.Problem]:
    """The UI schema is the SPA's (react-jsonschema-form) and not interpreted here: only bounded."""
    too_deep = profile.json_depth(ui_schema, profile.MAX_JSON_DEPTH)
    if too_deep is not None:
        return [profile.Problem(profile.pointer(too_deep), f"nested deeper than {profile.MAX_JSON_DEPTH} levels")]
    try:
        size = len(profile.serialise(ui_schema).encode())
    except ValueError:
        return [profile.Problem("", "numbers must be finite (NaN and Infinity are not JSON)")]
    if size > profile.MAX_BYTES:
        return [profile.Problem("", f"the UI schema is {size} bytes; at most {profile.MAX_BYTES} are allowed")]
    return []


def staff_form(caller: Caller) -> IntakeFormOut:
    return IntakeFormOut.of(current(caller.community_id))


def staff_version(caller: Caller, number: int) -> IntakeFormOut:
    form = version(caller.community_id, number)
    if form is None:
        raise NotFound("No such form version.")
    return IntakeFormOut.of(form)


def save(caller: Caller, request: IntakeFormPut, meta: RequestMeta) -> IntakeFormOut:
    """Check the schema (both passes) and store it as the next version; 409 if another save won."""
    problems = profile.problems(request.form_schema)
    if problems:
        raise _refuse(problems, "/schema")
    ui_problems = _ui_problems(request.ui_schema)
    if ui_problems:
        raise _refuse(ui_problems, "/ui_schema")
    latest = current(caller.community_id)
    form = FormVersion(community_id=caller.community_id, version=latest.version + 1,
                       document=request.form_schema, ui_schema=request.ui_schema, created_at=clock.iso(),
                       created_by=caller.user_id)
    if not repository.save_form(form):
        raise Conflict("Another version of the form was saved meanwhile; fetch it and try again.")
    publish(AuditEvent(community_id=caller.community_id, action="intake_form.saved", actor_id=caller.user_id,
                       target=f"intake-form:{form.version}", ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail={"version": form.version}))
    return IntakeFormOut.of(form)


def community_for(slug: str) -> Community:
    """The community a public slug names; 404 for none (the same answer whatever the reason)."""
    community = communities.community_by_slug(slug.lower())
    if community is None:
        raise NotFound("No such community.")
    return community


def public_form(slug: str) -> PublicIntakeForm:
    return PublicIntakeForm.of(current(community_for(slug).id))
