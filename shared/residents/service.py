"""Residents use cases: create, read, list/search, edit, delete, consent history, export, batch upsert.

Every key comes from the caller's community (handlers) or from an already scoped record (the
outbox, the import), so another community's resident is simply not found. Email and phone are
normalised before anything is compared (`normalise`), and their uniqueness is enforced by claim
items written in the same transaction as the resident (`repository.write`).

For other domains:
- `upsert_many(community_id, rows, source=...)`: the import pipeline's batch upsert (by email, then phone);
- `filters.matches` / `repository.iter_community`: campaign audiences (see `audience`);
- `variables_for`, `opted_out`, `resident_id_for_email`: the outbox and templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.community import repository as communities
from shared.onboarding import hooks as onboarding_hooks
from shared.platform import clock, cursor, ids, keys, normalise
from shared.platform.channels import Channel
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, InvalidCursor, NotFound, ValidationFailed
from shared.residents import custom_fields, filters, repository
from shared.residents import ledger as tenancy_ledger
from shared.residents.models import (
    Consent,
    ConsentChange,
    CustomField,
    Resident,
    ResidentFilter,
    ResidentRole,
    ResidentStatus,
)
from shared.residents.schemas import (
    ConsentChangeOut,
    ConsentHistory,
    ResidentCreate,
    ResidentFields,
    ResidentList,
    ResidentOut,
    ResidentUpdate,
)

CHANGED = "The resident was changed meanwhile; fetch it and try again."
_NULLABLE = frozenset({"email", "phone", "unit"})
MAX_WAVES = 5  # upsert_many: rounds for rows that repeat an earlier row's address or lose a race


@dataclass(frozen=True)
class DirectorySettings:
    """The community settings the directory reads: phone region and delinquency threshold."""

    region: str = "US"
    threshold: Decimal = Decimal("0.00")


def directory_settings(community_id: str) -> DirectorySettings:
    community = communities.get_community(community_id)
    if community is None:
        return DirectorySettings()
    return DirectorySettings(region=community.default_region or "US",
                             threshold=normalise.balance(community.delinquency_threshold or "0.00"))


def _audit(community_id: str, action: str, resident_id: str, *, actor: str | None, meta: RequestMeta | None,
           **detail: object) -> None:
    publish(AuditEvent(community_id=community_id, action=action, actor_id=actor, target=resident_id,
                       ip=meta.ip if meta else "", user_agent=(meta.user_agent if meta else "")[:512],
                       detail=dict(detail)))


# --- building a resident from fields ------------------------------------------------------------


def _phone(raw: str | None, region: str) -> str | None:
    if raw is None:
        return None
    try:
        return normalise.phone(raw, region)
    except ValueError as error:
        raise ValidationFailed(details=[FieldError("phone", str(error))]) from error


def build(old: Resident | None, fields: ResidentFields, *, community_id: str, settings: DirectorySettings,
          definitions: dict[str, CustomField], now: str) -> Resident:
    """The resident after writing `fields` over `old` (or a new one); 422 naming what is wrong."""
    given = fields.model_fields_set
    values: dict[str, Any] = {}
    for name in ("first_name", "last_name", "email", "role", "unit", "balance", "has_violation", "tags"):
        if name in given and (getattr(fields, name) is not None or name in _NULLABLE):
            values[name] = getattr(fields, name)
    if "phone" in given:
        values["phone"] = _phone(fields.phone, settings.region)
    if old is None:
        missing = [FieldError(n, "is required") for n in ("first_name", "last_name", "role") if values.get(n) is None]
        if missing:
            raise ValidationFailed(details=missing)
    base = old.consent if old else Consent()
    patch = fields.consent
    consent = Consent(email=base.email if patch is None or patch.email is None else patch.email,
                      sms=base.sms if patch is None or patch.sms is None else patch.sms)
    custom = custom_fields.merge(old.custom if old else {}, fields.custom, definitions,
                                 check_required=old is None or "custom" in given)
    if old is None:
        return Resident(id=ids.new_id(), community_id=community_id, custom=custom, consent=consent, version=1,
                        created_at=now, updated_at=now, **values)
    return old.model_copy(update={**values, "custom": custom, "consent": consent, "version": old.version + 1,
                                  "updated_at": now})


def consent_changes(old: Resident | None, new: Resident, *, source: str, actor_id: str | None,
                    now: str) -> tuple[ConsentChange, ...]:
    """History entries for a new resident (its starting consent) or for the channels that changed."""
    changes = []
    for channel in (Channel.EMAIL, Channel.SMS):
        value = new.consent.allows(channel)
        if old is None or old.consent.allows(channel) != value:
            changes.append(ConsentChange(id=ids.new_id(), resident_id=new.id, channel=channel, value=value,
                                         source=source, actor_id=actor_id, at=now))
    return tuple(changes)


def _taken(field_name: str) -> Conflict:
    return Conflict(f"Another resident of this community already has this {field_name}.",
                    details=[FieldError(field_name, "is already used by another resident")])


def _write(old: Resident | None, new: Resident, *, source: str, actor_id: str | None) -> tuple[ConsentChange, ...]:
    changes = consent_changes(old, new, source=source, actor_id=actor_id, now=new.updated_at)
    try:
        repository.write(repository.Plan(old=old, new=new, consent_changes=changes))
    except repository.Taken as taken:
        raise _taken(taken.field) from taken
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    return changes


def _audit_consent(resident: Resident, changes: Sequence[ConsentChange], *, actor: str | None,
                   meta: RequestMeta | None) -> None:
    for change in changes:
        _audit(resident.community_id, "resident.consent.changed", resident.id, actor=actor, meta=meta,
               channel=str(change.channel), value=change.value, source=change.source)


# --- the API's use cases --------------------------------------------------------------------------


def _require(community_id: str, resident_id: str) -> Resident:
    resident = repository.get(community_id, resident_id)
    if resident is None:
        raise NotFound("No such resident.")
    return resident


def _require_visible(caller: Caller, resident_id: str) -> Resident:
    """The stored resident, if the caller may see it: a property manager sees only the parties to
    their properties' tenancies (anyone else is 404, as another community's)."""
    resident = _require(caller.community_id, resident_id)
    visible = tenancy_ledger.visible_ids(caller)
    if visible is not None and resident_id not in visible:
        raise NotFound("No such resident.")
    return resident


def _shown(resident: Resident, threshold: Decimal) -> ResidentOut:
    """The answer for one resident: its balance from the ledger when it is a party to an active tenancy."""
    known = tenancy_ledger.resident_facts(resident.community_id, resident.id)
    return ResidentOut.of(tenancy_ledger.apply(resident, known), threshold)


def create(caller: Caller, request: ResidentCreate, meta: RequestMeta) -> ResidentOut:
    cid = caller.community_id
    settings = directory_settings(cid)
    resident = build(None, request, community_id=cid, settings=settings,
                     definitions=repository.custom_fields(cid), now=clock.iso())
    changes = _write(None, resident, source=f"api:{caller.user_id}", actor_id=caller.user_id)
    _audit(cid, "resident.created", resident.id, actor=caller.user_id, meta=meta)
    _audit_consent(resident, changes, actor=caller.user_id, meta=meta)
    onboarding_hooks.resident_created(cid)
    return ResidentOut.of(resident, settings.threshold)


def detail(caller: Caller, resident_id: str) -> ResidentOut:
    resident = _require_visible(caller, resident_id)
    return _shown(resident, directory_settings(caller.community_id).threshold)


def update(caller: Caller, resident_id: str, request: ResidentUpdate, meta: RequestMeta) -> ResidentOut:
    cid = caller.community_id
    old = _require_visible(caller, resident_id)
    settings = directory_settings(cid)
    new = build(old, request, community_id=cid, settings=settings, definitions=repository.custom_fields(cid),
                now=clock.iso())
    changes = _write(old, new, source=f"api:{caller.user_id}", actor_id=caller.user_id)
    _audit(cid, "resident.updated", resident_id, actor=caller.user_id, meta=meta,
           fields=sorted(request.model_fields_set))
    _audit_consent(new, changes, actor=caller.user_id, meta=meta)
    return _shown(new, settings.threshold)


def delete(caller: Caller, resident_id: str, meta: RequestMeta) -> None:
    """Delete the resident and free its email and phone; its consent history goes with it."""
    cid = caller.community_id
    old = _require_visible(caller, resident_id)
    if tenancy_ledger.is_party(cid, resident_id):
        raise Conflict("The resident is a party to a tenancy; remove them from it first.")
    try:
        repository.write(repository.Plan(old=old, new=None))
    except repository.Stale as stale:
        raise Conflict(CHANGED) from stale
    repository.delete_history(cid, resident_id)
    _audit(cid, "resident.deleted", resident_id, actor=caller.user_id, meta=meta)


def start_key(community_id: str, after: str | None, sk_prefix: str) -> dict[str, Any] | None:
    """The decoded cursor, refused unless it points into this community's items of that kind."""
    start = cursor.decode(community_id, after)
    if start is not None:
        pk = (start.get("pk") or {}).get("S")
        sk = (start.get("sk") or {}).get("S")
        if pk != keys.community_pk(community_id) or not str(sk).startswith(sk_prefix):
            raise InvalidCursor()
    return start


@dataclass(frozen=True)
class ListQuery:
    """The list's query options: one role/status/tag/unit each (a filter), and `q` (name/email prefix)."""

    role: ResidentRole | None = None
    status: ResidentStatus | None = None
    tag: str | None = None
    unit: str | None = None
    q: str | None = None

    def to_filter(self) -> ResidentFilter:
        return ResidentFilter(roles=[self.role] if self.role else None,
                              statuses=[self.status] if self.status else None,
                              tags=[self.tag] if self.tag else None, units=[self.unit] if self.unit else None)

    def predicate(self, threshold: Decimal) -> Callable[[Resident], bool]:
        flt = self.to_filter()
        return lambda r: filters.matches(r, flt, threshold=threshold) and filters.search_matches(r, self.q)


def list_residents(caller: Caller, query: ListQuery, *, limit: int, after: str | None) -> ResidentList:
    """Oldest first (ids are time-ordered), so a cursor resumes exactly where the last page ended."""
    cid = caller.community_id
    threshold = directory_settings(cid).threshold
    known = tenancy_ledger.community_facts(cid)
    wanted = query.predicate(threshold)
    visible = tenancy_ledger.visible_ids(caller)
    if visible is not None:
        return _list_visible(cid, sorted(visible), known, wanted, threshold, limit=limit, after=after)
    start = start_key(cid, after, keys.RESIDENT_PREFIX)
    items, last = repository.page(cid, limit=limit, after=start,
                                  keep=lambda r: wanted(tenancy_ledger.apply(r, known)))
    return ResidentList(items=[ResidentOut.of(tenancy_ledger.apply(r, known), threshold) for r in items],
                        next_cursor=cursor.encode(cid, last))


def _list_visible(community_id: str, ids: list[str], known: tenancy_ledger.TenancyFacts,
                  wanted: Callable[[Resident], bool], threshold: Decimal, *, limit: int,
                  after: str | None) -> ResidentList:
    """A property manager's list: their residents by id (BatchGetItem), never the directory filtered."""
    start = cursor.decode(community_id, after)
    position = ids.index(str(start["after"])) + 1 if start and start.get("after") in ids else 0
    if start and position == 0:
        raise InvalidCursor()
    found: list[ResidentOut] = []
    while position < len(ids) and len(found) < limit:
        chunk = ids[position:position + repository.BATCH_GET_MAX_KEYS]
        residents = repository.get_many(community_id, chunk)
        for rid in chunk:
            position += 1
            resident = residents.get(rid)
            if resident is not None and wanted(shown := tenancy_ledger.apply(resident, known)):
                found.append(ResidentOut.of(shown, threshold))
                if len(found) == limit:
                    break
    more = position < len(ids)
    return ResidentList(items=found, next_cursor=cursor.encode(community_id, {"after": ids[position - 1]})
                        if more else None)


def consent_history(caller: Caller, resident_id: str, *, limit: int, after: str | None) -> ConsentHistory:
    cid = caller.community_id
    _require_visible(caller, resident_id)
    start = start_key(cid, after, keys.consent_history_of(cid, resident_id)[1])
    items, last = repository.consent_history(cid, resident_id, limit=limit, after=start)
    return ConsentHistory(items=[ConsentChangeOut.of(c) for c in items], next_cursor=cursor.encode(cid, last))


def matching(community_id: str, query: ListQuery) -> tuple[Iterator[Resident], DirectorySettings]:
    """Every resident the list query selects (for the export), with the settings used."""
    settings = directory_settings(community_id)
    keep = query.predicate(settings.threshold)
    known = tenancy_ledger.community_facts(community_id)
    return (r for r in tenancy_ledger.applied(repository.iter_community(community_id), known) if keep(r)), settings


# --- other domains' entry points ----------------------------------------------------------------


def audience(community_id: str, flt: ResidentFilter) -> Iterator[Resident]:
    """Every resident of the community matching `flt` (campaign audiences, segment previews), with
    balances from the ledger where they are parties to an active tenancy (docs/residents.md)."""
    threshold = directory_settings(community_id).threshold
    known = tenancy_ledger.community_facts(community_id)
    return filters.select(tenancy_ledger.applied(repository.iter_community(community_id), known), flt,
                          threshold=threshold)


def variables_for(community_id: str, resident_id: str) -> dict[str, object] | None:
    """A resident's template variables (and `phone`, which addresses an SMS), or None."""
    resident = repository.get(community_id, resident_id)
    if resident is None:
        return None
    return variables_of(tenancy_ledger.apply(resident, tenancy_ledger.resident_facts(community_id, resident_id)))


def variables_of(resident: Resident) -> dict[str, object]:
    """The template variables a resident provides (and `phone`, which addresses an SMS)."""
    return {
        "first_name": resident.first_name, "last_name": resident.last_name, "full_name": resident.full_name,
        "email": resident.email, "phone": resident.phone, "unit": resident.unit or "",
        "balance": normalise.money(resident.balance),
    }


def marketing_opt_outs(community_id: str, resident_ids: Iterable[str], channel: Channel) -> set[str]:
    """Which of these residents withdrew marketing consent on `channel` (one BatchGetItem per 100)."""
    consent = repository.marketing_consent(community_id, resident_ids)
    position = 0 if channel == Channel.EMAIL else 1
    return {rid for rid, given in consent.items() if not given[position]}


def get_many(community_id: str, resident_ids: Iterable[str]) -> dict[str, Resident]:
    """This community's residents among `resident_ids` (BatchGetItem, 100 a call), with balances from the
    ledger where they are parties to an active tenancy (a campaign's explicit audience shows them)."""
    found = repository.get_many(community_id, resident_ids)
    if not found:
        return found
    known = tenancy_ledger.community_facts(community_id)
    return {rid: tenancy_ledger.apply(r, known) for rid, r in found.items()}


def opted_out(community_id: str, resident_id: str, channel: Channel) -> bool:
    """True when this resident opted out of marketing on `channel` (a deleted resident has no consent)."""
    resident = repository.get(community_id, resident_id)
    return resident is not None and not resident.consent.allows(channel)


def resident_id_for_email(community_id: str, email: str) -> str | None:
    """Which resident holds this email: how a portal user (verified email) is linked to their resident."""
    resident = repository.by_email(community_id, email.strip().lower())
    return resident.id if resident else None


# --- batch upsert (the import pipeline) ---------------------------------------------------------


@dataclass(frozen=True)
class UpsertResult:
    """What happened to one input row (in input order)."""

    index: int
    resident_id: str | None = None
    created: bool = False
    errors: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Wave:
    plans: list[repository.Plan]
    rows: list[int]
    deferred: list[int]


def _plan_wave(community_id: str, rows: Sequence[ResidentFields], pending: list[int], *,
               settings: DirectorySettings, definitions: dict[str, CustomField], source: str,
               actor_id: str | None, results: dict[int, UpsertResult]) -> _Wave:
    phones: dict[int, str | None] = {}
    for index in pending:
        try:
            phones[index] = _phone(rows[index].phone, settings.region) if "phone" in rows[index].model_fields_set \
                else None
        except ValidationFailed as failed:
            results[index] = UpsertResult(index, errors=tuple(failed.details))
    live = [i for i in pending if i not in results]
    by_email, by_phone = repository.resolve_addresses(
        community_id, {e for i in live if (e := rows[i].email)}, {p for i in live if (p := phones[i])})
    existing = repository.get_many(community_id, {*by_email.values(), *by_phone.values()})
    wave = _Wave(plans=[], rows=[], deferred=[])
    touched: set[str] = set()
    now = clock.iso()
    for index in live:
        row, phone = rows[index], phones[index]
        target = (by_email.get(row.email) if row.email else None) or (by_phone.get(phone) if phone else None)
        old = existing.get(target) if target else None
        if phone and by_phone.get(phone) not in (None, target):
            results[index] = UpsertResult(index, errors=(FieldError("phone", "is already used by another resident"),))
            continue
        marks = {f"E:{row.email}", f"P:{phone}", f"R:{target}"}
        if old is not None:
            marks |= {f"E:{old.email}", f"P:{old.phone}"}
        if marks & touched:  # repeats an address of an earlier row: apply it after that one
            wave.deferred.append(index)
            continue
        try:
            new = build(old, row if phone is None else row.model_copy(update={"phone": phone}),
                        community_id=community_id, settings=settings, definitions=definitions, now=now)
        except ValidationFailed as failed:
            results[index] = UpsertResult(index, errors=tuple(failed.details))
            continue
        touched |= marks - {"E:None", "P:None", "R:None"}
        changes = consent_changes(old, new, source=source, actor_id=actor_id, now=now)
        wave.plans.append(repository.Plan(old=old, new=new, consent_changes=changes))
        wave.rows.append(index)
    return wave


def upsert_many(community_id: str, rows: Sequence[ResidentFields], *, source: str,
                actor_id: str | None = None) -> list[UpsertResult]:
    """Create or update residents in bulk: a row updates the resident holding its email, else its
    phone, else creates one. One result per row, in order; a failed row names its fields.

    DynamoDB calls per wave: BatchGetItem per 100 addresses, BatchGetItem per 100 matched residents,
    TransactWriteItems per 100 actions (a new resident with email and phone is 3 actions, plus its
    2 starting consent entries: 5). Rows repeating an earlier row's address, or losing a race with
    another writer, are re-resolved in the next wave (at most `MAX_WAVES`).
    """
    settings = directory_settings(community_id)
    definitions = repository.custom_fields(community_id)
    results: dict[int, UpsertResult] = {}
    pending = list(range(len(rows)))
    for _ in range(MAX_WAVES):
        if not pending:
            break
        wave = _plan_wave(community_id, rows, pending, settings=settings, definitions=definitions, source=source,
                          actor_id=actor_id, results=results)
        failures = repository.write_many(wave.plans)
        pending = list(wave.deferred)
        for position, (plan, index) in enumerate(zip(wave.plans, wave.rows, strict=True)):
            if position in failures:
                pending.append(index)
            elif plan.new is not None:
                results[index] = UpsertResult(index, resident_id=plan.new.id, created=plan.old is None)
        pending.sort()
    for index in pending:
        results[index] = UpsertResult(index, errors=(
            FieldError("email", "conflicts with another row or a concurrent change; import it again"),))
    if any(r.created for r in results.values()):
        onboarding_hooks.resident_created(community_id)
    return [results[i] for i in range(len(rows))]
