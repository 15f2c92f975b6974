"""Property operations storage: PynamoDB items in, domain models out.

Every multi-item change is one TransactWriteItems whose parts are conditional, and a failed
condition comes back as the domain reason it stands for (`Conflict(reason)`): a unit label
already held, a unit or tenancy changed since it was read (`STALE`), an entry already reversed.
Callers re-read and retry on `STALE`; nothing here retries by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Condition
from pynamodb.transactions import TransactWrite

from shared.platform import db, keys
from shared.platform.mapping import to_item, to_model
from shared.properties import assigned
from shared.properties.items import LedgerEntryItem as EntryItem
from shared.properties.items import (
    PartyAttribute,
    PropertyItem,
    PropertyScopeItem,
    ReversalClaimItem,
    SpanAttribute,
    TenancyItem,
    TenancyPartyItem,
    UnitItem,
    UnitLabelItem,
)
from shared.properties.models import (
    LedgerEntry,
    Party,
    Property,
    Span,
    Tenancy,
    Unit,
)

BATCH_GET_MAX_KEYS = 100
_CONDITION_FAILED = "ConditionalCheckFailed"

# What a failed condition means (`Conflict.reason`).
STALE = "stale"  # the unit, tenancy or property changed or vanished since it was read
LABEL_TAKEN = "label"
MISSING_PROPERTY = "property"
ALREADY_REVERSED = "reversed"
EXISTS = "exists"


class Conflict(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Action:
    kind: str  # put | delete | update
    item: Any
    condition: Condition | None
    reason: str
    actions: list[Any] | None = None


def _commit(actions: list[_Action]) -> None:
    db.bind()
    try:
        with TransactWrite(connection=db.connection()) as tx:
            for action in actions:
                if action.kind == "put":
                    tx.save(action.item, condition=action.condition)
                elif action.kind == "delete":
                    tx.delete(action.item, condition=action.condition)
                else:
                    tx.update(action.item, actions=action.actions or [], condition=action.condition)
    except TransactWriteError as error:
        for reason, action in zip(error.cancellation_reasons or [], actions, strict=False):
            if reason is not None and reason.code == _CONDITION_FAILED:
                raise Conflict(action.reason) from error
        raise


def _batch_get(model: Any, key_pairs: Iterable[tuple[str, str]]) -> Iterator[Any]:
    db.bind()
    unique = list(dict.fromkeys(key_pairs))
    for start in range(0, len(unique), BATCH_GET_MAX_KEYS):
        yield from model.batch_get(unique[start:start + BATCH_GET_MAX_KEYS])


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- properties ----------------------------------------------------------------------------------


def _property(item: PropertyItem) -> Property:
    return to_model(Property, item, json_fields=("address",))


def _property_item(prop: Property, unit_count: int = 0) -> PropertyItem:
    return to_item(PropertyItem, prop, keys.property_item(prop.community_id, prop.id), json_fields=("address",),
                   unit_count=unit_count)


def create_property(prop: Property) -> None:
    _commit([_Action("put", _property_item(prop), PropertyItem.pk.does_not_exist(), EXISTS)])


def get_property(community_id: str, property_id: str) -> Property | None:
    db.bind()
    try:
        return _property(PropertyItem.get(*keys.property_item(community_id, property_id)))
    except DoesNotExist:
        return None


def get_properties(community_id: str, property_ids: Iterable[str]) -> dict[str, Property]:
    """Properties by id (BatchGetItem, 100 a call); absent ids are missing from the answer."""
    items = _batch_get(PropertyItem, (keys.property_item(community_id, p) for p in property_ids))
    return {p.id: p for p in (_property(i) for i in items)}


def properties_page(community_id: str, *, limit: int,
                    after: dict[str, Any] | None) -> tuple[list[Property], dict[str, Any] | None]:
    """Oldest first (ids are ULIDs)."""
    db.bind()
    result = PropertyItem.query(keys.community_pk(community_id), PropertyItem.sk.startswith(keys.PROPERTY_PREFIX),
                                limit=limit, last_evaluated_key=after)
    return [_property(i) for i in result], result.last_evaluated_key


def property_ids(community_id: str) -> list[str]:
    """Every property id of the community (one Query page per ~10,000 properties: only ids are read)."""
    db.bind()
    query = PropertyItem.query(keys.community_pk(community_id), PropertyItem.sk.startswith(keys.PROPERTY_PREFIX),
                               attributes_to_get=["pk", "sk", "type", "id"])
    return [str(i.id) for i in query]


def update_property(prop: Property) -> None:
    """Name, kind and address only: `unit_count` belongs to the unit transactions."""
    item = PropertyItem(*keys.property_item(prop.community_id, prop.id))
    _commit([_Action("update", item, PropertyItem.pk.exists(), STALE, actions=[
        PropertyItem.name.set(prop.name), PropertyItem.kind.set(str(prop.kind)),
        PropertyItem.address.set(prop.address.model_dump_json(exclude_none=True)),
        PropertyItem.updated_at.set(prop.updated_at)])])


def delete_property(community_id: str, property_id: str) -> None:
    """`Conflict(STALE)` when it is gone or has units (the count is checked by the delete itself)."""
    item = PropertyItem(*keys.property_item(community_id, property_id))
    _commit([_Action("delete", item, PropertyItem.pk.exists() & (PropertyItem.unit_count == 0), STALE)])


# --- units ---------------------------------------------------------------------------------------


def _unit(item: UnitItem) -> Unit:
    spans = tuple(Span(tenancy_id=s.tenancy_id, start_on=date.fromisoformat(s.start_on), end_on=_day(s.end_on))
                  for s in item.spans or [])
    return to_model(Unit, item, spans=spans)


def _unit_item(unit: Unit) -> UnitItem:
    spans = [SpanAttribute(tenancy_id=s.tenancy_id, start_on=s.start_on.isoformat(), end_on=_iso(s.end_on))
             for s in unit.spans]
    return to_item(UnitItem, unit, keys.unit(unit.community_id, unit.id), spans=spans,
                   gsi1pk=keys.units_of_property(unit.community_id, unit.property_id),
                   gsi1sk=f"{keys.UNIT_PREFIX}{unit.id}")


def _label(unit: Unit) -> UnitLabelItem:
    return UnitLabelItem(*keys.unit_label(unit.community_id, unit.property_id, unit.label), unit_id=unit.id)


def create_unit(unit: Unit) -> None:
    """The unit, its label claim and the property's `unit_count + 1`, all or nothing."""
    prop = PropertyItem(*keys.property_item(unit.community_id, unit.property_id))
    _commit([
        _Action("put", _unit_item(unit), UnitItem.pk.does_not_exist(), EXISTS),
        _Action("put", _label(unit), UnitLabelItem.pk.does_not_exist(), LABEL_TAKEN),
        _Action("update", prop, PropertyItem.pk.exists(), MISSING_PROPERTY,
                actions=[PropertyItem.unit_count.add(1)]),
    ])


def get_unit(community_id: str, unit_id: str) -> Unit | None:
    db.bind()
    try:
        return _unit(UnitItem.get(*keys.unit(community_id, unit_id)))
    except DoesNotExist:
        return None


def get_units(community_id: str, unit_ids: Iterable[str]) -> dict[str, Unit]:
    """Units by id (BatchGetItem, 100 a call); absent ids are missing from the answer."""
    items = _batch_get(UnitItem, (keys.unit(community_id, u) for u in unit_ids))
    return {u.id: u for u in (_unit(i) for i in items)}


def units_page(community_id: str, property_id: str, *, limit: int,
               after: dict[str, Any] | None) -> tuple[list[Unit], dict[str, Any] | None]:
    """A property's units, oldest first (GSI1)."""
    db.bind()
    result = UnitItem.gsi1.query(keys.units_of_property(community_id, property_id), limit=limit,
                                 last_evaluated_key=after)
    return [_unit(i) for i in result if isinstance(i, UnitItem)], result.last_evaluated_key


def update_unit(old: Unit, new: Unit) -> None:
    """Conditional on the version read; a new label swaps the claims in the same transaction."""
    actions = [_Action("put", _unit_item(new), UnitItem.version == old.version, STALE)]
    if new.label.casefold() != old.label.casefold():
        actions.append(_Action("delete", _label(old), UnitLabelItem.unit_id == old.id, STALE))
        actions.append(_Action("put", _label(new), UnitLabelItem.pk.does_not_exist(), LABEL_TAKEN))
    elif new.label != old.label:
        actions.append(_Action("put", _label(new), UnitLabelItem.unit_id == old.id, STALE))
    _commit(actions)


def delete_unit(unit: Unit) -> None:
    """Unit, label claim and `unit_count - 1`; conditional on the version read (which had no tenancy)."""
    prop = PropertyItem(*keys.property_item(unit.community_id, unit.property_id))
    _commit([
        _Action("delete", UnitItem(*keys.unit(unit.community_id, unit.id)), UnitItem.version == unit.version, STALE),
        _Action("delete", _label(unit), UnitLabelItem.unit_id == unit.id, STALE),
        _Action("update", prop, PropertyItem.pk.exists(), MISSING_PROPERTY,
                actions=[PropertyItem.unit_count.add(-1)]),
    ])


# --- tenancies -----------------------------------------------------------------------------------


def _tenancy(item: TenancyItem) -> Tenancy:
    parties = tuple(Party(resident_id=p.resident_id, lead=bool(p.lead)) for p in item.parties or [])
    return to_model(Tenancy, item, json_fields=("future_charges",), parties=parties)


def _tenancy_item(t: Tenancy) -> TenancyItem:
    return to_item(TenancyItem, t, keys.tenancy(t.community_id, t.id), json_fields=("future_charges",),
                   parties=[PartyAttribute(resident_id=p.resident_id, lead=p.lead) for p in t.parties],
                   gsi1pk=keys.tenancies_of_property(t.community_id, t.property_id),
                   gsi1sk=f"{_iso(t.end_on) or keys.OPEN_ENDED}#{t.id}")


def _tenancy_condition(old: Tenancy | None) -> Condition:
    return TenancyItem.pk.does_not_exist() if old is None else TenancyItem.version == old.version


def _link(t: Tenancy, party: Party) -> TenancyPartyItem:
    return TenancyPartyItem(*keys.tenancy_party(t.community_id, party.resident_id, t.id), tenancy_id=t.id,
                            property_id=t.property_id, unit_id=t.unit_id, lead=party.lead)


def save_tenancy(old: Tenancy | None, new: Tenancy, *, unit_before: Unit, unit_after: Unit) -> None:
    """The tenancy, its unit (whose spans say which dates are taken) and the party links, all or none.

    The unit is written on condition of the version read: of two requests racing for the same dates
    one commits and the other fails with `Conflict(STALE)`; re-reading shows it the overlap.
    """
    actions = [
        _Action("put", _tenancy_item(new), _tenancy_condition(old), STALE),
        _Action("put", _unit_item(unit_after), UnitItem.version == unit_before.version, STALE),
    ]
    before = {p.resident_id: p for p in old.parties} if old else {}
    after = {p.resident_id: p for p in new.parties}
    for rid, party in before.items():
        if rid not in after:
            actions.append(_Action("delete", _link(new, party), None, STALE))
    for rid, party in after.items():
        if before.get(rid) != party:
            actions.append(_Action("put", _link(new, party), None, STALE))
    _commit(actions)


def get_tenancy(community_id: str, tenancy_id: str) -> Tenancy | None:
    db.bind()
    try:
        return _tenancy(TenancyItem.get(*keys.tenancy(community_id, tenancy_id)))
    except DoesNotExist:
        return None


def get_tenancies(community_id: str, tenancy_ids: Iterable[str]) -> dict[str, Tenancy]:
    items = _batch_get(TenancyItem, (keys.tenancy(community_id, t) for t in tenancy_ids))
    return {t.id: t for t in (_tenancy(i) for i in items)}


def tenancies_page(community_id: str, *, limit: int,
                   after: dict[str, Any] | None) -> tuple[list[Tenancy], dict[str, Any] | None]:
    """Every tenancy of the community, oldest first."""
    db.bind()
    result = TenancyItem.query(keys.community_pk(community_id), TenancyItem.sk.startswith(keys.TENANCY_PREFIX),
                               limit=limit, last_evaluated_key=after)
    return [_tenancy(i) for i in result], result.last_evaluated_key


def property_tenancies_page(community_id: str, property_id: str, *, limit: int, after: dict[str, Any] | None,
                            ending_from: date | None = None, ended_before: date | None = None,
                            ) -> tuple[list[Tenancy], dict[str, Any] | None]:
    """A property's tenancies in end-date order (open-ended last), GSI1. `ending_from` keeps those
    whose end is that day or later (not ended by then); `ended_before` those that ended before it."""
    db.bind()
    condition = None
    if ending_from is not None:
        condition = TenancyItem.gsi1sk >= ending_from.isoformat()
    elif ended_before is not None:
        condition = TenancyItem.gsi1sk < ended_before.isoformat()
    result = TenancyItem.gsi1.query(keys.tenancies_of_property(community_id, property_id), condition,
                                    limit=limit, last_evaluated_key=after)
    return [_tenancy(i) for i in result if isinstance(i, TenancyItem)], result.last_evaluated_key


def open_tenancies(community_id: str, property_id: str, ending_from: date) -> Iterator[Tenancy]:
    """Every tenancy of the property not ended before `ending_from` (1 MB Query pages, lazily)."""
    db.bind()
    query = TenancyItem.gsi1.query(keys.tenancies_of_property(community_id, property_id),
                                   TenancyItem.gsi1sk >= ending_from.isoformat())
    for item in query:
        if isinstance(item, TenancyItem):
            yield _tenancy(item)


@dataclass(frozen=True)
class PartyLink:
    resident_id: str
    tenancy_id: str
    property_id: str
    unit_id: str
    lead: bool


def resident_links(community_id: str, resident_id: str) -> list[PartyLink]:
    """The tenancies a resident is (or was) a party to: one Query on their links."""
    db.bind()
    pk, prefix = keys.tenancies_of_resident(community_id, resident_id)
    return [PartyLink(resident_id, i.tenancy_id, i.property_id, i.unit_id, bool(i.lead))
            for i in TenancyPartyItem.query(pk, TenancyPartyItem.sk.startswith(prefix))]


# --- the ledger ----------------------------------------------------------------------------------


def _entry(item: EntryItem) -> LedgerEntry:
    return to_model(LedgerEntry, item)


def _entry_item(community_id: str, e: LedgerEntry) -> EntryItem:
    return to_item(EntryItem, e, keys.ledger_entry(community_id, e.tenancy_id, e.id))


def post(old: Tenancy, new: Tenancy, entries: Iterable[LedgerEntry]) -> None:
    """Entries and the tenancy's new totals in one transaction, conditional on the version read.

    A reversal also claims `REVERSED#{entry}` (absent before): a second reversal of the same entry
    fails with `Conflict(ALREADY_REVERSED)`, whichever request gets there first.
    """
    _commit(_post_actions(old, new, entries))


def _post_actions(old: Tenancy, new: Tenancy, entries: Iterable[LedgerEntry]) -> list[_Action]:
    cid = old.community_id
    actions = [_Action("put", _tenancy_item(new), TenancyItem.version == old.version, STALE)]
    for entry in entries:
        actions.append(_Action("put", _entry_item(cid, entry), EntryItem.pk.does_not_exist(), STALE))
        if entry.reverses:
            claim = ReversalClaimItem(*keys.ledger_reversal_claim(cid, old.id, entry.reverses), reversal_id=entry.id)
            actions.append(_Action("put", claim, ReversalClaimItem.pk.does_not_exist(), ALREADY_REVERSED))
    return actions


TRANSACTION_MAX_ACTIONS = 100  # DynamoDB's limit per TransactWriteItems


def post_many(postings: list[tuple[Tenancy, Tenancy, list[LedgerEntry]]]) -> bool:
    """Several tenancies' postings in one transaction (at most 100 actions: a tenancy's item and its
    entries each). All or nothing: False when any condition failed or the transaction was cancelled
    (nothing was written; the caller posts them one by one instead)."""
    actions = [a for old, new, entries in postings for a in _post_actions(old, new, entries)]
    if len(actions) > TRANSACTION_MAX_ACTIONS:
        raise ValueError("too many actions for one transaction")
    try:
        _commit(actions)
    except (Conflict, TransactWriteError):
        return False
    return True


def get_entry(community_id: str, tenancy_id: str, entry_id: str) -> LedgerEntry | None:
    db.bind()
    try:
        return _entry(EntryItem.get(*keys.ledger_entry(community_id, tenancy_id, entry_id)))
    except DoesNotExist:
        return None


def is_reversed(community_id: str, tenancy_id: str, entry_id: str) -> bool:
    db.bind()
    try:
        ReversalClaimItem.get(*keys.ledger_reversal_claim(community_id, tenancy_id, entry_id))
    except DoesNotExist:
        return False
    return True


def entries_page(community_id: str, tenancy_id: str, *, limit: int,
                 after: dict[str, Any] | None) -> tuple[list[LedgerEntry], dict[str, Any] | None]:
    """Posting order, oldest first."""
    db.bind()
    result = EntryItem.query(keys.ledger_pk(community_id, tenancy_id),
                             EntryItem.sk.startswith(keys.LEDGER_ENTRY_PREFIX), limit=limit, last_evaluated_key=after)
    return [_entry(i) for i in result], result.last_evaluated_key


def entries(community_id: str, tenancy_id: str) -> Iterator[LedgerEntry]:
    """The whole ledger in posting order (1 MB Query pages, lazily): N4 arrears by period, audits."""
    db.bind()
    for item in EntryItem.query(keys.ledger_pk(community_id, tenancy_id),
                                EntryItem.sk.startswith(keys.LEDGER_ENTRY_PREFIX)):
        yield _entry(item)


# --- property assignments ------------------------------------------------------------------------


def assigned_properties(community_id: str, user_id: str) -> list[str] | None:
    """The user's assigned property ids; None when they never had any (an empty list after a reset)."""
    return assigned.assigned_properties(community_id, user_id)


def put_assignments(community_id: str, user_id: str, property_ids: list[str], at: str) -> None:
    db.bind()
    PropertyScopeItem(*keys.property_scope(community_id, user_id), user_id=user_id, property_ids=property_ids,
                      updated_at=at).save()
