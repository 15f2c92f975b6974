"""Template use cases: create, read, list, edit, delete, preview, and the in-use count campaigns hold.

Every key comes from the caller's community (handlers) or from a message already scoped to one
(the outbox), so another community's template is simply not found. Sources are policed and their
variables computed on every write (`render.check`), so a stored template always renders or names
what it is missing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from shared.onboarding import hooks as onboarding_hooks
from shared.platform import clock, cursor, ids, keys
from shared.platform.channels import Category, Channel
from shared.platform.context import Caller
from shared.platform.errors import Conflict, FieldError, InvalidCursor, NotFound, ValidationFailed
from shared.platform.text import header_problem
from shared.templates import render, repository, residents
from shared.templates.models import Template
from shared.templates.schemas import (
    MAX_HTML_BYTES,
    MAX_SMS_CHARS,
    MAX_TEXT_BYTES,
    PreviewOut,
    PreviewRequest,
    SmsOut,
    TemplateCreate,
    TemplateList,
    TemplateOut,
    TemplateUpdate,
)

IN_USE = "A scheduled campaign uses this template; cancel or finish it first."
CHANGED = "The template was changed meanwhile; fetch it and try again."


@dataclass(frozen=True)
class _Sources:
    """What validation looks at: the channel and the three bodies, blanks already made None/""."""

    channel: Channel
    subject: str | None
    html: str | None
    text: str

    @classmethod
    def of(cls, channel: Channel, subject: str | None, html: str | None, text: str | None) -> _Sources:
        return cls(channel=channel, subject=subject or None, html=html or None, text=text or "")


def _structure(sources: _Sources) -> list[FieldError]:
    """What each channel needs and forbids, and the byte bounds (the item must fit DynamoDB's 400 KB)."""
    errors: list[FieldError] = []
    if sources.channel == Channel.EMAIL:
        if sources.subject is None or not sources.subject.strip():
            errors.append(FieldError("subject", "is required for email"))
        if not (sources.html or "").strip() and not sources.text.strip():
            errors.append(FieldError("html", "email needs html or text (or both)"))
    else:
        if not sources.text.strip():
            errors.append(FieldError("text", "is required for SMS"))
        elif len(sources.text) > MAX_SMS_CHARS:
            errors.append(FieldError("text", f"must be at most {MAX_SMS_CHARS} characters for SMS"))
        errors.extend(FieldError(f, "is not used by SMS templates") for f in ("subject", "html")
                      if getattr(sources, f) is not None)
    subject_problem = header_problem(sources.subject) if sources.subject is not None else None
    if subject_problem is not None:
        errors.append(FieldError("subject", subject_problem))
    if sources.html is not None and len(sources.html.encode()) > MAX_HTML_BYTES:
        errors.append(FieldError("html", f"must be at most {MAX_HTML_BYTES} bytes"))
    if len(sources.text.encode()) > MAX_TEXT_BYTES:
        errors.append(FieldError("text", f"must be at most {MAX_TEXT_BYTES} bytes"))
    return errors


def _variables(sources: _Sources) -> list[str]:
    """The sources' variables; `ValidationFailed` naming each field that is malformed or refused."""
    errors = _structure(sources)
    if errors:
        raise ValidationFailed(details=errors)
    return render.check({"subject": sources.subject, "html": sources.html, "text": sources.text})


def _require(community_id: str, template_id: str) -> Template:
    template = repository.get(community_id, template_id)
    if template is None:
        raise NotFound("No such template.")
    return template


def _why_refused(community_id: str, template_id: str) -> Exception:
    """After a conditional write failed: absent, in use, or someone else's edit won."""
    current = repository.get(community_id, template_id)
    if current is None:
        return NotFound("No such template.")
    return Conflict(IN_USE if current.in_use > 0 else CHANGED)


# --- the outbox's API -------------------------------------------------------------------------


def get(community_id: str, template_id: str) -> Template | None:
    """This community's template, or None (render it with `render.render`)."""
    return repository.get(community_id, template_id)


def mark_in_use(community_id: str, template_id: str, delta: int) -> int:
    """Add `delta` (+1 when a campaign is scheduled with it, -1 when that campaign is done or
    cancelled) to the count that blocks edits and deletes; the new count.

    `NotFound` when the template is gone; `Conflict` when the count would drop below zero (a
    release without a hold: the caller's bookkeeping is wrong, and hiding it would unblock edits early).
    """
    count = repository.add_in_use(community_id, template_id, delta)
    if count is None:
        if repository.get(community_id, template_id) is None:
            raise NotFound("No such template.")
        raise Conflict("The template's in-use count cannot drop below zero.")
    return count


# --- the API's use cases ----------------------------------------------------------------------


def create(caller: Caller, request: TemplateCreate) -> TemplateOut:
    sources = _Sources.of(request.channel, request.subject, request.html, request.text)
    variables = _variables(sources)
    now = clock.iso()
    template = Template(
        id=ids.new_id(), community_id=caller.community_id, name=request.name, channel=request.channel,
        category=request.category, subject=sources.subject, html=sources.html, text=sources.text,
        variables=variables, version=1, in_use=0, created_at=now, updated_at=now,
    )
    repository.create(template)
    onboarding_hooks.template_created(caller.community_id)
    return TemplateOut.of(template)


def detail(caller: Caller, template_id: str) -> TemplateOut:
    return TemplateOut.of(_require(caller.community_id, template_id))


def _start_key(community_id: str, after: str | None) -> dict[str, Any] | None:
    """The decoded cursor, refused unless it points into this community's templates."""
    start = cursor.decode(community_id, after)
    if start is not None:
        pk = (start.get("pk") or {}).get("S")
        sk = (start.get("sk") or {}).get("S")
        if pk != keys.community_pk(community_id) or not str(sk).startswith(repository.SK_PREFIX):
            raise InvalidCursor()
    return start


def page(caller: Caller, *, limit: int, after: str | None) -> TemplateList:
    """Newest first. A page may hold fewer than `limit` when bodies are large; follow `next_cursor`."""
    start = _start_key(caller.community_id, after)
    items, last = repository.page(caller.community_id, limit=limit, after=start)
    return TemplateList(items=[TemplateOut.of(t) for t in items],
                        next_cursor=cursor.encode(caller.community_id, last))


def update(caller: Caller, template_id: str, request: TemplateUpdate) -> TemplateOut:
    """Apply the given fields as version+1, conditional on the version read (a lost race is 409)."""
    current = _require(caller.community_id, template_id)
    if current.in_use > 0:
        raise Conflict(IN_USE)
    given = request.model_fields_set

    def pick(field: str) -> Any:
        return getattr(request, field) if field in given else getattr(current, field)

    sources = _Sources.of(pick("channel"), pick("subject"), pick("html"), pick("text"))
    variables = _variables(sources)
    updated = current.model_copy(update={
        "name": pick("name"), "channel": sources.channel, "category": Category(pick("category")),
        "subject": sources.subject, "html": sources.html, "text": sources.text, "variables": variables,
        "version": current.version + 1, "updated_at": clock.iso(),
    })
    if not repository.replace(updated, expected_version=current.version):
        raise _why_refused(caller.community_id, template_id)
    return TemplateOut.of(updated)


def delete(caller: Caller, template_id: str) -> None:
    if not repository.delete(caller.community_id, template_id):
        raise _why_refused(caller.community_id, template_id)


def preview(caller: Caller, template_id: str, request: PreviewRequest) -> PreviewOut:
    """Render with the given variables, or with a resident's; SMS previews add length and segments."""
    template = _require(caller.community_id, template_id)
    if request.resident_id is not None:
        variables = residents.variables_for(caller.community_id, request.resident_id)
        if variables is None:
            raise NotFound("No such resident.")
    else:
        variables = dict(request.variables or {})
    rendered = render.render(template, variables)
    sms = SmsOut(**asdict(render.sms_info(rendered.text))) if template.channel == Channel.SMS else None
    return PreviewOut(subject=rendered.subject, html=rendered.html, text=rendered.text, sms=sms)
