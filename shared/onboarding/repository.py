"""Onboarding storage: one item per community (`C#{cid}` / `ONBOARDING`), one attribute pair per step.

Steps are flat attributes (`step_{key}`, `at_{key}`) rather than a map, so marking one step is a
single UpdateItem that also creates the item when it is missing (no read first, no lost update
between two steps finishing at once). The PynamoDB class only registers the item's type.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from pynamodb.attributes import UnicodeAttribute

from shared.onboarding.steps import Step, StepStatus
from shared.platform import aws, db, keys
from shared.platform.db import BaseItem

TYPE = "onboarding"


class OnboardingItem(BaseItem, discriminator=TYPE):
    started_at = UnicodeAttribute(null=True)


def _key(community_id: str) -> dict[str, Any]:
    pk, sk = keys.onboarding(community_id)
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def read(community_id: str) -> dict[Step, tuple[StepStatus, str | None]]:
    """Each recorded step's status and time (steps never touched are absent)."""
    found = aws.client("dynamodb").get_item(TableName=db.bind(), Key=_key(community_id), ConsistentRead=True)
    item = found.get("Item") or {}
    progress = {}
    for step in Step:
        status = (item.get(f"step_{step}") or {}).get("S")
        if status:
            progress[step] = (StepStatus(status), (item.get(f"at_{step}") or {}).get("S"))
    return progress


def start(community_id: str, at: str) -> None:
    """Record that onboarding started (signup); harmless when it already has."""
    aws.client("dynamodb").update_item(
        TableName=db.bind(), Key=_key(community_id),
        UpdateExpression="SET #type = :type, started_at = if_not_exists(started_at, :at)",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={":type": {"S": TYPE}, ":at": {"S": at}},
    )


def set_step(community_id: str, step: Step, status: StepStatus, at: str, *, unless: StepStatus | None = None
             ) -> bool:
    """Write one step's status (time removed for `todo`); with `unless`, only when it is not already that.
    False when `unless` held (nothing written)."""
    names = {"#type": "type", "#s": f"step_{step}", "#a": f"at_{step}"}
    values: dict[str, Any] = {":type": {"S": TYPE}, ":status": {"S": str(status)}}
    if status == StepStatus.TODO:
        expression = "SET #type = :type, #s = :status REMOVE #a"
    else:
        expression, values[":at"] = "SET #type = :type, #s = :status, #a = :at", {"S": at}
    extra: dict[str, Any] = {}
    if unless is not None:
        extra["ConditionExpression"] = "attribute_not_exists(#s) OR #s <> :unless"
        values[":unless"] = {"S": str(unless)}
    try:
        aws.client("dynamodb").update_item(TableName=db.bind(), Key=_key(community_id), UpdateExpression=expression,
                                           ExpressionAttributeNames=names, ExpressionAttributeValues=values, **extra)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
