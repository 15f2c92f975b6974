"""Notices' use cases: calculate, draft CRUD, serve, void, complete, the reminder centre.

Every call reads the caller's reach through `shared.properties.scope` (out of scope → 404, as another
community's notice); an owner or tenant sees the notices of their own tenancies once served, never a
draft. The rules decide (`shared.notices`); this module maps their failures to the contract's errors:
`RuleFailed` → 422 `NOTICE_RULE_FAILED` (each failed rule and its citation in `details`) and
`NoRuleInForce` → 422 `VALIDATION_FAILED` on `served_on`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from shared.notices import evaluate, n1
from shared.notices import reminders as reminder_rules
from shared.notices.arrears import rent_arrears
from shared.notices.models import NoticeType, Reminder, RuleFailed
from shared.notices.models import Tenancy as RulesTenancy
from shared.notices.rules import NoRuleInForce
from shared.notices_service import facts, repository
from shared.notices_service.models import OPEN, Notice, NoticeStatus, ReminderStatus, StoredReminder
from shared.notices_service.schemas import (
    MAX_DOCUMENTS,
    CalculateIn,
    CalculationOut,
    CompleteIn,
    DetailsIn,
    DocumentIn,
    NoticeCreate,
    NoticeList,
    NoticeOut,
    NoticeUpdate,
    ReminderList,
    ReminderOut,
    RuleOut,
    ServeIn,
    VoidIn,
)
from shared.platform import clock, cursor, ids, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, InvalidCursor, NotFound, NoticeRuleFailed, ValidationFailed
from shared.properties import days, scope
from shared.properties import repository as properties
from shared.properties.models import Tenancy
from shared.properties.service import audit, start_key

CHANGED = "The notice was changed meanwhile; fetch it and try again."


# --- errors ----------------------------------------------------------------------------------------


def rule_failed(error: RuleFailed) -> NoticeRuleFailed:
    first = error.checks[0]
    return NoticeRuleFailed(f"{first.rule} ({first.citation}): {first.message}",
                            details=[FieldError(c.rule, f"{c.citation}: {c.message}") for c in error.checks])


@contextmanager
def rules_answer() -> Iterator[None]:
    """Turn the rules' refusals into the contract's 422s."""
    try:
        yield
    except RuleFailed as error:
        raise rule_failed(error) from error
    except NoRuleInForce as error:
        raise ValidationFailed(details=[FieldError("served_on", str(error))]) from error


# --- reading with scope ----------------------------------------------------------------------------


def _tenancy_for_write(caller: Caller, tenancy_id: str) -> Tenancy:
    """A tenancy named in a body: 422 when it is not one the caller may write (as the properties domain
    answers for a unit), 403 for a read-only caller."""
    tenancy = properties.get_tenancy(caller.community_id, tenancy_id)
    reach = scope.scope_of(caller)
    if tenancy is None or not reach.sees_property(tenancy.property_id) or reach.resident_id is not None:
        raise ValidationFailed(details=[FieldError("tenancy_id", "is not a tenancy of this community")])
    scope.authorize(caller, tenancy.property_id, write=True, scope=reach)
    return tenancy


def require_notice(caller: Caller, notice_id: str, *, write: bool = False) -> Notice:
    """The notice if the caller may see it (404 otherwise, drafts included for owners and tenants)."""
    notice = repository.get(caller.community_id, notice_id)
    if notice is None:
        raise NotFound("No such notice.")
    reach = scope.scope_of(caller)
    party_ids: tuple[str, ...] | None = None
    if reach.resident_id is not None:
        if notice.status == NoticeStatus.DRAFT:
            raise NotFound("No such notice.")
        tenancy = properties.get_tenancy(caller.community_id, notice.tenancy_id)
        party_ids = tenancy.resident_ids if tenancy else ()
    scope.authorize(caller, notice.property_id, write=write, party_ids=party_ids, scope=reach)
    return notice


def tenancy_of(notice: Notice) -> Tenancy:
    tenancy = properties.get_tenancy(notice.community_id, notice.tenancy_id)
    if tenancy is None:  # tenancies are never deleted; a notice cannot outlive its tenancy
        raise Conflict("The notice's tenancy no longer exists.")
    return tenancy


def view(notice: Notice) -> NoticeOut:
    return NoticeOut.of(notice, repository.reminders_of(notice.community_id, notice.id))


# --- details -------------------------------------------------------------------------------------------


def _check_details(kind: NoticeType, details: DetailsIn) -> None:
    given = details.model_dump(exclude_none=True)
    allowed = {NoticeType.N1: {"new_rent"}, NoticeType.N4: set(),
               NoticeType.N11: {"tenant_signed_on", "landlord_signed_on"}}[kind]
    wrong = [FieldError(f"details.{name}", f"is not a detail of an {kind.value.upper()}")
             for name in sorted(set(given) - allowed)]
    if kind == NoticeType.N1 and details.new_rent is None:
        wrong.append(FieldError("details.new_rent", "is required for an N1"))
    if wrong:
        raise ValidationFailed(details=wrong)


def signed_on(details: dict[str, Any], name: str) -> date | None:
    value = details.get(name)
    return date.fromisoformat(value) if value else None


def snapshot(notice_type: NoticeType, tenancy: Tenancy, details: dict[str, Any]) -> RulesTenancy:
    signed = signed_on(details, "tenant_signed_on") if notice_type == NoticeType.N11 else None
    return facts.snapshot(tenancy, signed_on=signed)


def compute_details(notice_type: NoticeType, tenancy: Tenancy, given: DetailsIn, effective_on: date | None,
                    on: date) -> dict[str, Any]:
    """The stored `details`: N1 with current rent, increase % and guideline % (of the increase's year; the
    earliest possible increase date's while none is set); N4 the arrears by period as of `on`; N11 the dates."""
    if notice_type == NoticeType.N1:
        assert given.new_rent is not None
        rules_tenancy = facts.snapshot(tenancy, with_names=False)
        effective = effective_on or n1.earliest_effective_on(rules_tenancy, on, on)
        return n1.details(rules_tenancy, given.new_rent, effective, on).model_dump(mode="json")
    if notice_type == NoticeType.N4:
        arrears = rent_arrears(facts.ledger(tenancy.community_id, tenancy.id),
                               facts.snapshot(tenancy, with_names=False).rent_period, on)
        return arrears.model_dump(mode="json")
    return given.model_dump(mode="json", exclude_none=True)


def _details_in(notice: Notice) -> DetailsIn:
    d = notice.details
    if notice.type == NoticeType.N1:
        return DetailsIn(new_rent=d["new_rent"])
    if notice.type == NoticeType.N11:
        return DetailsIn(tenant_signed_on=signed_on(d, "tenant_signed_on"),
                         landlord_signed_on=signed_on(d, "landlord_signed_on"))
    return DetailsIn()


# --- reminders -------------------------------------------------------------------------------------


def _stored(notice: Notice, r: Reminder) -> StoredReminder:
    return StoredReminder(id=f"{notice.id}:{r.key}", community_id=notice.community_id, notice_id=notice.id,
                          tenancy_id=notice.tenancy_id, property_id=notice.property_id, key=r.key, kind=r.kind,
                          due_on=r.due_on, message=r.message, citation=r.citation, status=ReminderStatus.PENDING,
                          created_by=notice.created_by)


def wanted_reminders(notice: Notice, today: date) -> list[StoredReminder]:
    """What the rules say the notice needs now (none once it is completed or void)."""
    if notice.effective_on is None or notice.status not in (NoticeStatus.DRAFT, *OPEN):
        return []
    served = notice.status != NoticeStatus.DRAFT
    on = notice.served_on if served and notice.served_on else today
    found = reminder_rules.reminders(notice.type, notice.effective_on, served=served, on=on, not_before=today)
    return [_stored(notice, r) for r in found]


def sync_reminders(notice: Notice, wanted: list[StoredReminder], existing: list[StoredReminder]) -> \
        list[StoredReminder]:
    """Put the wanted reminders not stored yet, cancel the pending ones no longer wanted (keys are stable,
    so recomputing never duplicates a reminder nor revives a sent one). Returns the ones to put."""
    have = {r.key: r for r in existing}
    at = clock.iso()
    for r in existing:
        if r.status == ReminderStatus.PENDING and r.key not in {w.key for w in wanted}:
            repository.set_reminder_status(r, ReminderStatus.CANCELLED, at)
    return [w for w in wanted if w.key not in have]


def cancel_reminders(notice: Notice) -> int:
    at = clock.iso()
    return sum(repository.set_reminder_status(r, ReminderStatus.CANCELLED, at)
               for r in repository.reminders_of(notice.community_id, notice.id) if r.status == ReminderStatus.PENDING)


# --- use cases -------------------------------------------------------------------------------------


def calculate(caller: Caller, request: CalculateIn) -> CalculationOut:
    tenancy = _tenancy_for_write(caller, request.tenancy_id)
    with rules_answer():
        found = evaluate.calculate(request.type, facts.snapshot(tenancy, with_names=False), request.served_on,
                                   request.service_method, landlord_signed_on=request.landlord_signed_on)
    return CalculationOut(deemed_served_on=found.deemed_served_on, earliest_effective_on=found.earliest_effective_on,
                          rules=[RuleOut(rule=r.rule, citation=r.citation, text=r.text) for r in found.rules])


def create(caller: Caller, request: NoticeCreate, meta: RequestMeta | None) -> NoticeOut:
    tenancy = _tenancy_for_write(caller, request.tenancy_id)
    _check_details(request.type, request.details)
    today = days.community_today(caller.community_id)
    now = clock.iso()
    with rules_answer():
        details = compute_details(request.type, tenancy, request.details, request.effective_on, today)
    notice = Notice(id=ids.new_id(), community_id=caller.community_id, type=request.type, tenancy_id=tenancy.id,
                    property_id=tenancy.property_id, unit_id=tenancy.unit_id, status=NoticeStatus.DRAFT,
                    details=details, effective_on=request.effective_on, created_by=caller.user_id, created_at=now,
                    updated_at=now)
    repository.create(notice)
    fresh = wanted_reminders(notice, today)
    if fresh:
        repository.save(notice, notice, reminders=fresh)
    audit(caller, "notice.created", notice.id, meta, type=str(notice.type), tenancy_id=tenancy.id)
    return view(notice)


def get(caller: Caller, notice_id: str) -> NoticeOut:
    return view(require_notice(caller, notice_id))


def _draft(caller: Caller, notice_id: str) -> Notice:
    notice = require_notice(caller, notice_id, write=True)
    if notice.status != NoticeStatus.DRAFT:
        raise Conflict(f"The notice is {notice.status}: only a draft can be changed or deleted.")
    return notice


def update(caller: Caller, notice_id: str, request: NoticeUpdate, meta: RequestMeta | None) -> NoticeOut:
    old = _draft(caller, notice_id)
    given = request.model_fields_set
    effective_on = request.effective_on if "effective_on" in given else old.effective_on
    details_in = request.details if request.details is not None else _details_in(old)
    _check_details(old.type, details_in)
    today = days.community_today(caller.community_id)
    with rules_answer():
        details = compute_details(old.type, tenancy_of(old), details_in, effective_on, today)
    if request.documents is not None:
        _check_assets(caller.community_id, request.documents, "documents")
    documents = tuple(dict.fromkeys(request.documents)) if request.documents is not None else old.documents
    new = old.model_copy(update={"effective_on": effective_on, "details": details, "documents": documents,
                                 "version": old.version + 1, "updated_at": clock.iso()})
    existing = repository.reminders_of(old.community_id, old.id)
    try:
        repository.save(old, new, reminders=sync_reminders(new, wanted_reminders(new, today), existing))
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "notice.updated", notice_id, meta, fields=sorted(given))
    return view(new)


def delete(caller: Caller, notice_id: str, meta: RequestMeta | None) -> None:
    notice = _draft(caller, notice_id)
    try:
        repository.delete(notice)
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    cancel_reminders(notice)
    audit(caller, "notice.deleted", notice_id, meta)


def _check_assets(community_id: str, asset_ids: list[str], field: str) -> None:
    from shared.assets import repository as assets  # only when documents are linked

    wrong = [FieldError(field if field == "asset_id" else f"{field}.{i}", "is not an asset of this community")
             for i, asset_id in enumerate(asset_ids) if assets.get(community_id, asset_id) is None]
    if wrong:
        raise ValidationFailed(details=wrong)


def link_document(caller: Caller, notice_id: str, request: DocumentIn, meta: RequestMeta | None) -> NoticeOut:
    """Link an uploaded asset (e.g. the signed LTB form) to a notice in any status; linking twice is a no-op."""
    old = require_notice(caller, notice_id, write=True)
    _check_assets(caller.community_id, [request.asset_id], "asset_id")
    if request.asset_id in old.documents:
        return view(old)
    if len(old.documents) >= MAX_DOCUMENTS:
        raise ValidationFailed(details=[FieldError("asset_id", f"a notice links at most {MAX_DOCUMENTS} documents")])
    new = old.model_copy(update={"documents": (*old.documents, request.asset_id), "version": old.version + 1,
                                 "updated_at": clock.iso()})
    try:
        repository.save(old, new)
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "notice.document_linked", notice_id, meta, asset_id=request.asset_id)
    return view(new)


# --- lists ---------------------------------------------------------------------------------------------


def list_notices(caller: Caller, *, notice_type: NoticeType | None, status: NoticeStatus | None,
                 property_id: str | None, tenancy_id: str | None, limit: int, after: str | None) -> NoticeList:
    """Scope-aware like the tenancies list: a scoped caller's list reads its properties' index ranges, an
    owner's or tenant's their own tenancies' notices (never drafts); never the community's filtered."""
    cid = caller.community_id
    reach = scope.scope_of(caller)
    filters: dict[str, Any] = {"notice_type": notice_type, "status": status, "tenancy_id": tenancy_id}
    if reach.resident_id is not None:
        if status == NoticeStatus.DRAFT:
            return NoticeList(items=[])
        links = properties.resident_links(cid, reach.resident_id) if reach.resident_id else []
        found: list[Notice] = []
        for link in links:
            if (tenancy_id and link.tenancy_id != tenancy_id) or (property_id and link.property_id != property_id):
                continue
            items, _ = repository.page(cid, property_id=link.property_id, limit=1000, after=None, hide_drafts=True,
                                       **{**filters, "tenancy_id": link.tenancy_id})
            found += items
        return NoticeList(items=[view(n) for n in sorted(found, key=lambda n: n.id)][:limit])
    if property_id is not None:
        if not reach.sees_property(property_id):
            return NoticeList(items=[])
        start = start_key(cid, after, gsi1pk=keys.notices_of_property(cid, property_id))
        items, last = repository.page(cid, property_id=property_id, limit=limit, after=start, **filters)
        return NoticeList(items=[view(n) for n in items], next_cursor=cursor.encode(cid, last))
    if reach.community_wide:
        start = start_key(cid, after, pk=keys.community_pk(cid), sk_prefix=keys.NOTICE_PREFIX)
        items, last = repository.page(cid, property_id=None, limit=limit, after=start, **filters)
        return NoticeList(items=[view(n) for n in items], next_cursor=cursor.encode(cid, last))
    return _scoped_list(cid, reach.ordered_properties(), filters, limit=limit, after=after)


def _scoped_list(cid: str, props: list[str], filters: dict[str, Any], *, limit: int, after: str | None) -> NoticeList:
    start = cursor.decode(cid, after)
    position, key = 0, None
    if start is not None:
        if start.get("p") not in props:
            raise InvalidCursor()
        position, key = props.index(str(start["p"])), start.get("k")
    items: list[Notice] = []
    while position < len(props) and len(items) < limit:
        page, key = repository.page(cid, property_id=props[position], limit=limit - len(items), after=key, **filters)
        items += page
        if key is None:
            position += 1
    more = position < len(props)
    return NoticeList(items=[view(n) for n in items],
                      next_cursor=cursor.encode(cid, {"p": props[position], "k": key}) if more else None)


def list_reminders(caller: Caller, *, status: ReminderStatus | None, due_before: date | None, limit: int,
                   after: str | None) -> ReminderList:
    """The reminder centre in due order (one status: one key range). A scoped caller's page keeps only
    their properties' reminders, so it may be shorter than `limit` and still have a cursor."""
    cid = caller.community_id
    reach = scope.scope_of(caller)
    if reach.resident_id is not None:
        return ReminderList(items=[])
    start = start_key(cid, after, gsi1pk=keys.reminders_index(cid))
    items, last = repository.reminders_page(cid, status=status, due_before=due_before, limit=limit, after=start)
    return ReminderList(items=[ReminderOut.of(r) for r in items if reach.sees_property(r.property_id)],
                        next_cursor=cursor.encode(cid, last))


# --- serve, void, complete -------------------------------------------------------------------------


def serve(caller: Caller, notice_id: str, request: ServeIn, meta: RequestMeta | None) -> NoticeOut:
    """Re-check every rule against this service; refuse (422 NOTICE_RULE_FAILED) or mark it served, with its
    reminders and the marker of its date of effect, in one transaction on the version read."""
    old = _draft(caller, notice_id)
    tenancy = tenancy_of(old)
    today = days.community_today(caller.community_id)
    details_in = _details_in(old)
    landlord_signed_on = details_in.landlord_signed_on
    with rules_answer():
        rules_tenancy = snapshot(old.type, tenancy, old.details)
        ledger = facts.ledger(tenancy.community_id, tenancy.id) if old.type == NoticeType.N4 else []
        effective_on = old.effective_on or evaluate.earliest_effective_on(
            old.type, rules_tenancy, request.served_on, request.service_method,
            landlord_signed_on=landlord_signed_on)
        result = evaluate.evaluate(old.type, rules_tenancy, request.served_on, request.service_method, effective_on,
                                   new_rent=details_in.new_rent, ledger=ledger,
                                   landlord_signed_on=landlord_signed_on)
        evaluate.require(result)
        details = compute_details(old.type, tenancy, details_in, effective_on, request.served_on)
    new = old.model_copy(update={
        "status": NoticeStatus.SERVED, "effective_on": effective_on, "served_on": request.served_on,
        "service_method": request.service_method, "deemed_served_on": result.deemed_served_on,
        "served_by": caller.user_id, "checks": result.checks, "details": details, "version": old.version + 1,
        "updated_at": clock.iso()})
    existing = repository.reminders_of(old.community_id, old.id)
    try:
        repository.save(old, new, reminders=sync_reminders(new, wanted_reminders(new, today), existing),
                        effect_put=new)
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "notice.served", notice_id, meta, method=str(request.service_method),
          served_on=request.served_on.isoformat())
    return view(new)


def close(notice: Notice, status: NoticeStatus, *, void_reason: str | None = None, note: str | None = None,
          by_payment: bool = False) -> Notice:
    """Void or complete a notice (no caller: the payment void uses it too) and cancel its pending reminders
    in the same transaction, so no reader sees a closed notice with reminders still pending."""
    at = clock.iso()
    new = notice.model_copy(update={"status": status, "void_reason": void_reason, "note": note,
                                    "voided_by_payment": by_payment,
                                    "version": notice.version + 1, "updated_at": at})
    was_open = notice.status in OPEN
    cancelled = [r.model_copy(update={"status": ReminderStatus.CANCELLED, "sent_at": at})
                 for r in repository.reminders_of(notice.community_id, notice.id)
                 if r.status == ReminderStatus.PENDING]
    repository.save(notice, new, effect_delete=notice if was_open else None, settle=cancelled)
    return new


def void(caller: Caller, notice_id: str, request: VoidIn, meta: RequestMeta | None) -> NoticeOut:
    notice = require_notice(caller, notice_id, write=True)
    if notice.status not in (NoticeStatus.DRAFT, *OPEN):
        raise Conflict(f"The notice is already {notice.status}.")
    try:
        new = close(notice, NoticeStatus.VOID, void_reason=request.reason)
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "notice.voided", notice_id, meta)
    return view(new)


def complete(caller: Caller, notice_id: str, request: CompleteIn, meta: RequestMeta | None) -> NoticeOut:
    notice = require_notice(caller, notice_id, write=True)
    if notice.status not in OPEN:
        raise Conflict(f"The notice is {notice.status}: only a served or effective notice can be completed.")
    try:
        new = close(notice, NoticeStatus.COMPLETED, note=request.note)
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    audit(caller, "notice.completed", notice_id, meta)
    return view(new)

