"""Failed-login state of accounts that do not exist, kept like a real account's.

A real account counts wrong passwords on its user item and locks for `LOCK_S` at the fifth in a row
(429 `AUTH_LOCKED`). Without the same for unknown accounts, five tries would tell an attacker which
addresses have accounts. So a login that finds no user reads and updates one of these items instead:
the same reads, the same write, the same answers. Items expire after `TTL_S` unused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from botocore.exceptions import ClientError

from shared.platform import aws, clock, keys
from shared.platform.settings import settings

TTL_S = 30 * 24 * 3600


@dataclass(frozen=True)
class Phantom:
    subject: str
    failed_logins: int = 0
    locked_until: int = 0


def _key(subject: str) -> dict[str, dict[str, str]]:
    pk, sk = keys.phantom_login(hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:40])
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def get(community_key: str, email: str) -> Phantom:
    subject = f"{community_key}\n{email}"
    item = aws.client("dynamodb").get_item(TableName=settings().require("table_name"), Key=_key(subject),
                                           ConsistentRead=True).get("Item") or {}
    number = {name: int(item.get(name, {}).get("N", 0)) for name in ("failed_logins", "locked_until")}
    return Phantom(subject, number["failed_logins"], number["locked_until"])


def record_failure(phantom: Phantom, *, lock_after: int, lock_s: int) -> bool:
    """Count one failure; True when this one locks it (the counter restarts, as a real account's does)."""
    now = clock.epoch()
    table = settings().require("table_name")
    client = aws.client("dynamodb")
    counted = client.update_item(
        TableName=table, Key=_key(phantom.subject), ReturnValues="UPDATED_NEW",
        UpdateExpression="ADD failed_logins :one SET #ttl = :ttl",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":ttl": {"N": str(now + TTL_S)}},
    )
    if int(counted["Attributes"]["failed_logins"]["N"]) < lock_after:
        return False
    try:
        client.update_item(
            TableName=table, Key=_key(phantom.subject),
            UpdateExpression="SET locked_until = :until, failed_logins = :zero",
            ConditionExpression="failed_logins >= :after",
            ExpressionAttributeValues={":until": {"N": str(now + lock_s)}, ":zero": {"N": "0"},
                                       ":after": {"N": str(lock_after)}},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False  # a concurrent failure locked it already
        raise
    return True
