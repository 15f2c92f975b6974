"""Reading the audit trail: newest first, by time range, actor and action (prefix), and as exports.

Events of a community sit under one partition sorted by time (`keys.audit`), so a range is a key
condition; actor and action are filters on that range (the trail is read rarely, by admins).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from shared.audit import store
from shared.audit.events import AuditEvent
from shared.platform import cursor
from shared.platform.spreadsheet import to_csv

EXPORT_MAX = 10_000  # one response stays far below Lambda's 6 MB; the cursor continues past it
CSV_HEADER = ("at", "action", "actor_id", "target", "ip", "user_agent", "detail", "id")


class AuditOut(BaseModel):
    id: str
    at: str
    action: str
    actor_id: str | None
    target: str | None
    ip: str
    user_agent: str
    detail: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditOut]
    next_cursor: str | None = None


class Filters(BaseModel):
    actor: str | None = None
    action: str | None = None
    from_: str | None = None  # ISO-8601, inclusive
    to: str | None = None  # ISO-8601, inclusive


def _out(event: AuditEvent) -> AuditOut:
    return AuditOut(id=event.id, at=event.at, action=event.action, actor_id=event.actor_id, target=event.target,
                    ip=event.ip, user_agent=event.user_agent, detail=event.detail)


def _query(community_id: str, filters: Filters, limit: int, start: dict[str, Any] | None
           ) -> tuple[list[AuditOut], dict[str, Any] | None]:
    events, key = store.read(community_id, actor=filters.actor, action=filters.action, from_=filters.from_,
                             to=filters.to, limit=limit, start=start)
    return [_out(e) for e in events], key


def search(community_id: str, filters: Filters, *, limit: int, after: str | None) -> AuditList:
    items, last = _query(community_id, filters, limit, cursor.decode(community_id, after))
    return AuditList(items=items, next_cursor=cursor.encode(community_id, last))


def _all(community_id: str, filters: Filters, after: str | None) -> tuple[list[AuditOut], str | None]:
    rows: list[AuditOut] = []
    start = cursor.decode(community_id, after)
    while len(rows) < EXPORT_MAX:
        items, start = _query(community_id, filters, min(1000, EXPORT_MAX - len(rows)), start)
        rows.extend(items)
        if start is None:
            break
    return rows, cursor.encode(community_id, start)


def export(community_id: str, filters: Filters, fmt: str, after: str | None) -> tuple[str, str | None]:
    """The matching events as JSON Lines or CSV (formula-safe), and a cursor when more remain."""
    rows, next_cursor = _all(community_id, filters, after)
    if fmt == "csv":
        body = to_csv(CSV_HEADER, ([r.at, r.action, r.actor_id, r.target, r.ip, r.user_agent,
                                    json.dumps(r.detail, sort_keys=True), r.id] for r in rows))
    else:
        body = "".join(r.model_dump_json() + "\n" for r in rows)
    return body, next_cursor
