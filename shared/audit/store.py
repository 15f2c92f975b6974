"""The audit trail's storage: writes events to the table, 25 per BatchWriteItem, idempotently (the key is
the event id), and reads a community's range back newest first with its filters."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.audit.events import AuditEvent, parse
from shared.platform import aws, keys
from shared.platform.observability import logger
from shared.platform.settings import settings

BATCH = 25
_MAX_ROUNDS = 3


def _item(event: AuditEvent) -> dict[str, Any]:
    pk, sk = keys.audit(event.community_id, event.at, event.id)
    item: dict[str, Any] = {
        "pk": {"S": pk},
        "sk": {"S": sk},
        "type": {"S": "audit"},
        "id": {"S": event.id},
        "action": {"S": event.action},
        "at": {"S": event.at},
        "ip": {"S": event.ip},
        "user_agent": {"S": event.user_agent},
        "event": {"S": event.model_dump_json()},
    }
    if event.actor_id:
        item["actor_id"] = {"S": event.actor_id}
    return item


def store_records(records: list[dict[str, Any]]) -> list[str]:
    """Store the SQS records' events; return the message ids to retry.

    A record whose body is not an audit event is logged and dropped: retrying cannot fix it.
    """
    pending: dict[tuple[str, str], str] = {}  # (pk, sk) -> message id
    requests: list[dict[str, Any]] = []
    for record in records:
        try:
            event = parse(record["body"])
        except (ValidationError, ValueError, KeyError, TypeError):
            logger.warning("malformed audit record dropped", extra={"message_id": record.get("messageId")})
            continue
        item = _item(event)
        key = (item["pk"]["S"], item["sk"]["S"])
        if key not in pending:
            pending[key] = record["messageId"]
            requests.append({"PutRequest": {"Item": item}})
    failed: list[str] = []
    table = settings().require("table_name")
    for start in range(0, len(requests), BATCH):
        batch = requests[start:start + BATCH]
        for _ in range(_MAX_ROUNDS):
            try:
                answer = aws.client("dynamodb").batch_write_item(RequestItems={table: batch})
            except Exception:  # noqa: BLE001 - throttled or down: the whole chunk goes back to SQS
                logger.exception("audit batch write failed")
                break
            batch = answer.get("UnprocessedItems", {}).get(table, [])
            if not batch:
                break
        for request in batch:
            item = request["PutRequest"]["Item"]
            failed.append(pending[(item["pk"]["S"], item["sk"]["S"])])
    return failed


def read(community_id: str, *, actor: str | None, action: str | None, from_: str | None, to: str | None,
         limit: int, start: dict[str, Any] | None) -> tuple[list[AuditEvent], dict[str, Any] | None]:
    """Up to `limit` events of the community between `from_` and `to` (ISO-8601, inclusive), newest
    first, by `actor` and/or `action` prefix when given; and the key to resume after."""
    pk = keys.audit_pk(community_id)
    names = {"#pk": "pk", "#sk": "sk"}
    values: dict[str, Any] = {":pk": {"S": pk}, ":from": {"S": from_ or "0"},
                              ":to": {"S": f"{to}~" if to else "~"}}
    conditions = []
    if actor:
        names["#actor"] = "actor_id"
        values[":actor"] = {"S": actor}
        conditions.append("#actor = :actor")
    if action:
        names["#action"] = "action"
        values[":action"] = {"S": action}
        conditions.append("begins_with(#action, :action)")
    found: list[AuditEvent] = []
    key = start
    for _ in range(20):  # filters can thin pages out; bound the work of one request
        request: dict[str, Any] = {
            "TableName": settings().require("table_name"),
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :from AND :to",
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
            "ScanIndexForward": False, "Limit": limit - len(found),
        }
        if conditions:
            request["FilterExpression"] = " AND ".join(conditions)
        if key:
            request["ExclusiveStartKey"] = key
        answer = aws.client("dynamodb").query(**request)
        found.extend(AuditEvent.model_validate_json(i["event"]["S"]) for i in answer.get("Items", []))
        key = answer.get("LastEvaluatedKey")
        if not key or len(found) >= limit:
            break
    return found, key
