"""The rent ledger's use cases: read it, post charges, payments and credits, reverse an entry once.

Every posting is `ledger.apply` on the tenancy as read, written by `repository.post` in one
transaction conditional on that version; losing a race means re-reading and applying again, so
`balance_after` and the tenancy's `balance`/`arrears` can never drift from the entries.

For other domains: `entries(community_id, tenancy_id)` (the whole ledger, posting order) and
`arrears_by_period` (N4), `post_system_charges` (the rent job).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from shared.platform import clock, cursor, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, NotFound
from shared.properties import days, events, ledger, repository
from shared.properties.models import EntryKind, LedgerEntry, Tenancy
from shared.properties.schemas import ChargeIn, CreditIn, EntryOut, LedgerOut, PaymentIn, PostedOut, ReverseIn
from shared.properties.service import audit, start_key
from shared.properties.tenancies import require_tenancy

MAX_ATTEMPTS = 5


class Busy(Exception):
    """The tenancy kept changing under every attempt."""


def post_drafts(tenancy: Tenancy, make: Callable[[Tenancy], list[LedgerEntry]], *, today: date,
                reversed_on: dict[str, date] | None = None,
                adjust: Callable[[Tenancy, list[LedgerEntry]], Tenancy] | None = None,
                ) -> tuple[Tenancy, list[LedgerEntry]]:
    """Post what `make(tenancy)` drafts, re-reading the tenancy and drafting again after a lost race.

    `make` may return nothing (e.g. rent already charged): then nothing is written. `adjust` may
    change the tenancy written with the entries (the rent job records `rent_charged_through`).
    """
    current: Tenancy | None = tenancy
    for _ in range(MAX_ATTEMPTS):
        if current is None:
            raise NotFound("No such tenancy.")
        drafts = make(current)
        if not drafts:
            return current, []
        updated, posted = ledger.apply(current, drafts, today=today, now=clock.iso(), reversed_on=reversed_on)
        if adjust is not None:
            updated = adjust(updated, posted)
        try:
            repository.post(current, updated, posted)
            return updated, posted
        except repository.Conflict as conflict:
            if conflict.reason != repository.STALE:
                raise
        current = repository.get_tenancy(tenancy.community_id, tenancy.id)
    raise Busy()


def _post_one(caller: Caller, tenancy_id: str, draft: LedgerEntry, meta: RequestMeta, *,
              reversed_on: dict[str, date] | None = None) -> PostedOut:
    tenancy = require_tenancy(caller, tenancy_id, write=True)
    today = days.community_today(caller.community_id)
    try:
        updated, posted = post_drafts(tenancy, lambda _: [draft], today=today, reversed_on=reversed_on)
    except repository.Conflict as conflict:
        raise Conflict("This entry was already reversed.") from conflict
    except Busy as busy:
        raise Conflict("The ledger is busy; try again.") from busy
    entry = posted[0]
    audit(caller, f"ledger.{entry.kind}", tenancy_id, meta, entry_id=entry.id, amount=str(entry.amount))
    if entry.effect < 0:  # a payment, a credit, or a reversed charge: what is owed went down
        events.posted(caller.community_id, tenancy_id, entry.id, str(entry.kind))
    return PostedOut.posted(entry, updated.balance, updated.arrears_on(today))


def _draft(tenancy_id: str, caller: Caller, **fields: object) -> LedgerEntry:
    return LedgerEntry.model_validate({"id": "", "tenancy_id": tenancy_id, "balance_after": "0",
                                       "posted_by": caller.user_id, "posted_at": "", **fields})


def charge(caller: Caller, tenancy_id: str, request: ChargeIn, meta: RequestMeta) -> PostedOut:
    return _post_one(caller, tenancy_id, _draft(tenancy_id, caller, kind=EntryKind.CHARGE, category=request.category,
                                                amount=request.amount, on=request.on,
                                                description=request.description), meta)


def payment(caller: Caller, tenancy_id: str, request: PaymentIn, meta: RequestMeta) -> PostedOut:
    description = request.description or f"Payment ({request.method})"
    return _post_one(caller, tenancy_id, _draft(tenancy_id, caller, kind=EntryKind.PAYMENT, amount=request.amount,
                                                on=request.on, method=request.method, reference=request.reference,
                                                description=description), meta)


def credit(caller: Caller, tenancy_id: str, request: CreditIn, meta: RequestMeta) -> PostedOut:
    return _post_one(caller, tenancy_id, _draft(tenancy_id, caller, kind=EntryKind.CREDIT, amount=request.amount,
                                                on=request.on, description=request.description), meta)


def reverse(caller: Caller, tenancy_id: str, entry_id: str, request: ReverseIn, meta: RequestMeta) -> PostedOut:
    """Undo one entry by a new one (entries never change). A reversal cannot itself be reversed; a
    second reversal of the same entry is 409, even when two arrive at once (the claim is in the
    posting's transaction)."""
    require_tenancy(caller, tenancy_id, write=True)
    original = repository.get_entry(caller.community_id, tenancy_id, entry_id)
    if original is None:
        raise NotFound("No such ledger entry.")
    if original.kind == EntryKind.REVERSAL:
        raise Conflict("A reversal cannot be reversed; post a new entry instead.")
    if repository.is_reversed(caller.community_id, tenancy_id, entry_id):
        raise Conflict("This entry was already reversed.")
    today = days.community_today(caller.community_id)
    draft = _draft(tenancy_id, caller, kind=EntryKind.REVERSAL, category=original.category, amount=original.amount,
                   on=today,
                   description=f"Reversal: {request.reason}", reverses=original.id, reverses_kind=original.kind)
    return _post_one(caller, tenancy_id, draft, meta, reversed_on={original.id: original.on})


def read(caller: Caller, tenancy_id: str, *, limit: int, after: str | None) -> LedgerOut:
    tenancy = require_tenancy(caller, tenancy_id)
    cid = caller.community_id
    start = start_key(cid, after, pk=keys.ledger_pk(cid, tenancy_id), sk_prefix=keys.LEDGER_ENTRY_PREFIX)
    items, last = repository.entries_page(cid, tenancy_id, limit=limit, after=start)
    today = days.community_today(cid)
    return LedgerOut(items=[EntryOut.of(e) for e in items], balance=tenancy.balance,
                     arrears=tenancy.arrears_on(today), next_cursor=cursor.encode(cid, last))


# --- other domains' reads ------------------------------------------------------------------------


def entries(community_id: str, tenancy_id: str) -> list[LedgerEntry]:
    return list(repository.entries(community_id, tenancy_id))


def arrears_by_period(community_id: str, tenancy_id: str, today: date) -> list[ledger.PeriodArrears]:
    """Rent owing by rent period (an N4's table), from the ledger as it stands."""
    return ledger.rent_arrears_by_period(repository.entries(community_id, tenancy_id), today=today)

