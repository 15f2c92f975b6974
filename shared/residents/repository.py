"""Residents directory storage: PynamoDB items in, domain models out.

Residents are written together with their uniqueness claims (and any consent history entries) in
one TransactWriteItems, each part conditional, so a clash is reported as the field that clashed
(`Taken`) and a concurrent edit as `Stale`. The batch writer packs many residents' writes into
transactions of up to 100 actions, which is what keeps an import to a few calls per hundred rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError
from pynamodb.models import Condition
from pynamodb.transactions import TransactWrite

from shared.platform import db, keys
from shared.platform.mapping import to_item, to_model
from shared.residents.items import (
    ConsentChangeItem,
    CustomFieldItem,
    ResidentClaimItem,
    ResidentItem,
    SegmentItem,
)
from shared.residents.models import (
    Consent,
    ConsentChange,
    CustomField,
    Resident,
    Segment,
)

TRANSACTION_MAX_ACTIONS = 100  # DynamoDB's limit per TransactWriteItems
BATCH_GET_MAX_KEYS = 100  # DynamoDB's limit per BatchGetItem
LIST_READ_BUDGET = 2_000  # residents a filtered list page examines at most before answering
_CONDITION_FAILED = "ConditionalCheckFailed"


class Taken(Exception):
    """Another resident of the community already holds this email or phone."""

    def __init__(self, field_name: str) -> None:
        super().__init__(field_name)
        self.field = field_name


class Stale(Exception):
    """The resident changed (or vanished, or already exists) since it was read."""


# --- mapping -------------------------------------------------------------------------------------


# Consent is stored as two flags; the properties a resident's tenancies reach are applied on read,
# never stored (shared.residents.ledger).
_RESIDENT_JSON, _RESIDENT_APART = ("custom",), ("consent", "property_ids")


def _resident(item: ResidentItem) -> Resident:
    return to_model(Resident, item, json_fields=_RESIDENT_JSON, exclude=_RESIDENT_APART,
                    consent=Consent(email=bool(item.consent_email), sms=bool(item.consent_sms)))


def _resident_item(resident: Resident) -> ResidentItem:
    return to_item(ResidentItem, resident, keys.resident(resident.community_id, resident.id),
                   json_fields=_RESIDENT_JSON, exclude=_RESIDENT_APART,
                   consent_email=resident.consent.email, consent_sms=resident.consent.sms)


def _claim(community_id: str, field_name: str, value: str, resident_id: str) -> ResidentClaimItem:
    builder = keys.resident_email if field_name == "email" else keys.resident_phone
    return ResidentClaimItem(*builder(community_id, value), resident_id=resident_id)


def _change_item(community_id: str, change: ConsentChange) -> ConsentChangeItem:
    key = keys.consent_change(community_id, change.resident_id, change.at, change.id)
    return to_item(ConsentChangeItem, change, key)


def _change(item: ConsentChangeItem) -> ConsentChange:
    return to_model(ConsentChange, item)


def _key_of(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


# --- write plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One resident's write: create (`old` None), edit (both), or delete (`new` None)."""

    old: Resident | None
    new: Resident | None
    consent_changes: tuple[ConsentChange, ...] = ()


@dataclass
class _Action:
    kind: str  # put | delete
    item: Any
    condition: Condition | None
    role: str  # what a failed condition means: resident | email | phone | history

    @property
    def key(self) -> tuple[str, str]:
        return str(self.item.pk), str(self.item.sk)


def _actions(plan: Plan) -> list[_Action]:
    """The transaction actions of one plan; the resident's own action comes first."""
    old, new = plan.old, plan.new
    current = new or old
    if current is None:
        return []
    cid, rid = current.community_id, current.id
    actions: list[_Action] = []
    if new is None and old is not None:  # delete
        actions.append(_Action("delete", ResidentItem(*keys.resident(cid, rid)),
                               ResidentItem.version == old.version, "resident"))
    elif new is not None:
        condition = ResidentItem.pk.does_not_exist() if old is None else ResidentItem.version == old.version
        actions.append(_Action("put", _resident_item(new), condition, "resident"))
    for name in ("email", "phone"):
        before = getattr(old, name) if old else None
        after = getattr(new, name) if new else None
        if before == after:
            continue
        if before:  # release our own claim (never someone else's)
            actions.append(_Action("delete", _claim(cid, name, before, rid),
                                   ResidentClaimItem.resident_id == rid, name))
        if after:
            actions.append(_Action("put", _claim(cid, name, after, rid), ResidentClaimItem.pk.does_not_exist(),
                                   name))
    actions.extend(_Action("put", _change_item(cid, c), None, "history") for c in plan.consent_changes)
    return actions


def _commit(actions: list[_Action]) -> None:
    with TransactWrite(connection=db.connection()) as tx:
        for action in actions:
            if action.kind == "put":
                tx.save(action.item, condition=action.condition)
            else:
                tx.delete(action.item, condition=action.condition)


def _failed_role(error: TransactWriteError, actions: list[_Action]) -> str | None:
    """Which action's condition failed (resident/email/phone), or None when it was not a condition."""
    for reason, action in zip(error.cancellation_reasons or [], actions, strict=False):
        if reason is not None and reason.code == _CONDITION_FAILED:
            return action.role
    return None


def write(plan: Plan) -> None:
    """Apply one plan atomically; `Taken(field)` on an address clash, `Stale` on a concurrent change."""
    db.bind()
    actions = _actions(plan)
    try:
        _commit(actions)
    except TransactWriteError as error:
        role = _failed_role(error, actions)
        if role in ("email", "phone"):
            raise Taken(role) from error
        if role == "resident":
            raise Stale() from error
        raise


RETRY = "retry"  # write_many: the plan's transaction was cancelled by another plan; nothing was written


def write_many(plans: Sequence[Plan]) -> dict[int, str]:
    """Apply many plans, packed into transactions of up to 100 actions; each plan is all-or-nothing.

    Returns, for every plan not written, why: "email"/"phone" (an address is held by another
    resident), "resident" (it changed or exists), or `RETRY` (its transaction was cancelled by
    another plan's failure or a transient conflict). Plans must not share keys; a plan that does
    is put in a later transaction.
    """
    db.bind()
    failures: dict[int, str] = {}
    batch: list[tuple[int, list[_Action]]] = []
    batch_keys: set[tuple[str, str]] = set()

    def flush() -> None:
        if not batch:
            return
        flat = [a for _, acts in batch for a in acts]
        try:
            _commit(flat)
        except TransactWriteError as error:
            reasons = list(error.cancellation_reasons or [])
            position = 0
            for index, acts in batch:
                why = RETRY
                for action in acts:
                    reason = reasons[position] if position < len(reasons) else None
                    position += 1
                    if reason is not None and reason.code == _CONDITION_FAILED and why == RETRY:
                        why = action.role
                failures[index] = why
        batch.clear()
        batch_keys.clear()

    for index, plan in enumerate(plans):
        actions = _actions(plan)
        plan_keys = {a.key for a in actions}
        count = sum(len(a) for _, a in batch)
        if count + len(actions) > TRANSACTION_MAX_ACTIONS or plan_keys & batch_keys:
            flush()
        batch.append((index, actions))
        batch_keys.update(plan_keys)
    flush()
    return failures


# --- residents: reads ----------------------------------------------------------------------------


def get(community_id: str, resident_id: str) -> Resident | None:
    db.bind()
    try:
        return _resident(ResidentItem.get(*keys.resident(community_id, resident_id)))
    except DoesNotExist:
        return None


def _batch_get(model: Any, key_pairs: Iterable[tuple[str, str]],
               attributes: list[str] | None = None) -> Iterator[Any]:
    unique = list(dict.fromkeys(key_pairs))
    for start in range(0, len(unique), BATCH_GET_MAX_KEYS):
        yield from model.batch_get(unique[start:start + BATCH_GET_MAX_KEYS], attributes_to_get=attributes)


def marketing_consent(community_id: str, resident_ids: Iterable[str]) -> dict[str, tuple[bool, bool]]:
    """(email, sms) marketing consent of residents by id, reading only those attributes (the
    delivery of a campaign chunk asks this for up to 98 residents at once)."""
    db.bind()
    wanted = [keys.resident(community_id, rid) for rid in resident_ids]
    return {str(item.id): (bool(item.consent_email), bool(item.consent_sms))
            for item in _batch_get(ResidentItem, wanted, ["pk", "sk", "type", "id", "consent_email", "consent_sms"])}


def get_many(community_id: str, resident_ids: Iterable[str]) -> dict[str, Resident]:
    """Residents by id (BatchGetItem, 100 keys per call); absent ids are simply missing."""
    db.bind()
    wanted = [keys.resident(community_id, rid) for rid in resident_ids]
    return {r.id: r for r in (_resident(i) for i in _batch_get(ResidentItem, wanted))}


def resolve_addresses(community_id: str, emails: Iterable[str],
                      phones: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Who holds each normalised email and phone: ({email: resident id}, {phone: resident id}).

    One BatchGetItem per 100 addresses; addresses nobody holds are absent from the answers.
    """
    db.bind()
    email_keys = {keys.resident_email(community_id, e): e for e in emails}
    phone_keys = {keys.resident_phone(community_id, p): p for p in phones}
    by_email: dict[str, str] = {}
    by_phone: dict[str, str] = {}
    for item in _batch_get(ResidentClaimItem, [*email_keys, *phone_keys]):
        key = (str(item.pk), str(item.sk))
        if key in email_keys:
            by_email[email_keys[key]] = item.resident_id
        elif key in phone_keys:
            by_phone[phone_keys[key]] = item.resident_id
    return by_email, by_phone


def _by_claim(key: tuple[str, str], community_id: str) -> Resident | None:
    db.bind()
    try:
        claim = ResidentClaimItem.get(*key)
    except DoesNotExist:
        return None
    return get(community_id, claim.resident_id)


def by_email(community_id: str, email: str) -> Resident | None:
    """The resident holding this (normalised) email: two GetItems."""
    return _by_claim(keys.resident_email(community_id, email), community_id)


def by_phone(community_id: str, phone: str) -> Resident | None:
    """The resident holding this E.164 phone number: two GetItems."""
    return _by_claim(keys.resident_phone(community_id, phone), community_id)


def _resident_query(community_id: str, after: dict[str, Any] | None, page_size: int | None = None) -> Any:
    return ResidentItem.query(keys.community_pk(community_id), ResidentItem.sk.startswith(keys.RESIDENT_PREFIX),
                              last_evaluated_key=after, page_size=page_size)


def iter_community(community_id: str) -> Iterator[Resident]:
    """Every resident of the community, oldest first: a Query on the community's resident range,
    1 MB pages, read lazily. Audience resolution and segment previews select from this."""
    db.bind()
    for item in _resident_query(community_id, None):
        yield _resident(item)


def page(community_id: str, *, limit: int, after: dict[str, Any] | None,
         keep: Callable[[Resident], bool]) -> tuple[list[Resident], dict[str, Any] | None]:
    """Up to `limit` residents (oldest first) that `keep` accepts, and the key to continue after.

    The continuation key is the last resident returned, or the last one examined when the read
    budget ran out first, so a page may be short (even empty) and still have a next one.
    """
    db.bind()
    found: list[Resident] = []
    last: dict[str, Any] | None = None
    result = _resident_query(community_id, after, page_size=min(max(limit * 2, 100), 500))
    for examined, item in enumerate(result, start=1):
        resident = _resident(item)
        last = _key_of(str(item.pk), str(item.sk))
        if keep(resident):
            found.append(resident)
            if len(found) == limit:
                return found, last
        if examined >= LIST_READ_BUDGET:
            return found, last
    return found, None


def consent_history(community_id: str, resident_id: str, *, limit: int,
                    after: dict[str, Any] | None) -> tuple[list[ConsentChange], dict[str, Any] | None]:
    """A resident's consent changes, newest first."""
    db.bind()
    pk, prefix = keys.consent_history_of(community_id, resident_id)
    result = ConsentChangeItem.query(pk, ConsentChangeItem.sk.startswith(prefix), limit=limit,
                                     last_evaluated_key=after, scan_index_forward=False)
    return [_change(i) for i in result], result.last_evaluated_key


def delete_history(community_id: str, resident_id: str) -> None:
    """Remove a deleted resident's consent history (BatchWriteItem, 25 per call)."""
    db.bind()
    pk, prefix = keys.consent_history_of(community_id, resident_id)
    with ConsentChangeItem.batch_write() as batch:
        for item in ConsentChangeItem.query(pk, ConsentChangeItem.sk.startswith(prefix)):
            batch.delete(item)


# --- custom field definitions -------------------------------------------------------------------


_FIELD_RENAMES = {"type": "field_type"}  # `type` is a poor attribute name


def _field(item: CustomFieldItem) -> CustomField:
    return to_model(CustomField, item, renames=_FIELD_RENAMES)


def _field_item(definition: CustomField) -> CustomFieldItem:
    return to_item(CustomFieldItem, definition, keys.custom_field(definition.community_id, definition.key),
                   renames=_FIELD_RENAMES)


def custom_fields(community_id: str) -> dict[str, CustomField]:
    """Every custom field definition of the community, by key (one Query: there are few)."""
    db.bind()
    query = CustomFieldItem.query(keys.community_pk(community_id),
                                  CustomFieldItem.sk.startswith(keys.CUSTOM_FIELD_PREFIX))
    return {d.key: d for d in (_field(i) for i in query)}


def create_custom_field(definition: CustomField) -> bool:
    """False when a field with this key exists."""
    db.bind()
    try:
        _field_item(definition).save(condition=CustomFieldItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def replace_custom_field(definition: CustomField) -> bool:
    """False when it no longer exists."""
    db.bind()
    try:
        _field_item(definition).save(condition=CustomFieldItem.pk.exists())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def delete_custom_field(community_id: str, field_key: str) -> bool:
    db.bind()
    try:
        CustomFieldItem(*keys.custom_field(community_id, field_key)).delete(condition=CustomFieldItem.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- segments ------------------------------------------------------------------------------------


def _segment(item: SegmentItem) -> Segment:
    return to_model(Segment, item, json_fields=("filter",))


def put_segment(segment: Segment, *, create: bool) -> bool:
    """Create (False if the id exists) or replace (False if it is gone)."""
    db.bind()
    item = to_item(SegmentItem, segment, keys.segment(segment.community_id, segment.id), json_fields=("filter",))
    try:
        item.save(condition=SegmentItem.pk.does_not_exist() if create else SegmentItem.pk.exists())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get_segment(community_id: str, segment_id: str) -> Segment | None:
    db.bind()
    try:
        return _segment(SegmentItem.get(*keys.segment(community_id, segment_id)))
    except DoesNotExist:
        return None


def segments_page(community_id: str, *, limit: int,
                  after: dict[str, Any] | None) -> tuple[list[Segment], dict[str, Any] | None]:
    """Newest first."""
    db.bind()
    result = SegmentItem.query(keys.community_pk(community_id), SegmentItem.sk.startswith(keys.SEGMENT_PREFIX),
                               limit=limit, last_evaluated_key=after, scan_index_forward=False)
    return [_segment(i) for i in result], result.last_evaluated_key


def delete_segment(community_id: str, segment_id: str) -> bool:
    db.bind()
    try:
        SegmentItem(*keys.segment(community_id, segment_id)).delete(condition=SegmentItem.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True

