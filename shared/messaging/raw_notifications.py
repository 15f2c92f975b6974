"""Provider notifications kept exactly as they arrived, one S3 object per message and event.

Seed 004 asks to "persist raw payload": when a status looks wrong, support reads what SES or SNS
really said. The worker keeps every notification before acting on it (so a notification that
fails to apply is kept too), under a prefix a lifecycle rule expires after 90 days:

- an SES event:  `provider-notifications/{community_id}/{message_id}/{Kind}-{notification id}.json`
- an SMS reply:  `provider-notifications/sms-inbound/{YYYY-MM-DD}/{notification id}.json`
- unreadable:    `provider-notifications/unmatched/{YYYY-MM-DD}/{notification id}.json`

The notification id is SNS's MessageId (the same on every redelivery), so keeping a notification
twice writes the same object twice: idempotent. The message's event names the key (`detail.raw`).
"""

from __future__ import annotations

import json
import re
from datetime import date

from shared.platform import aws
from shared.platform.settings import settings
from shared.spec.resources import ASSETS_BUCKET

PREFIX = ASSETS_BUCKET.raw_notifications_prefix
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def notification_id(body: str, fallback: str) -> str:
    """SNS's MessageId of the envelope in `body` (stable across redeliveries), else `fallback` (the SQS id)."""
    try:
        envelope = json.loads(body)
    except ValueError:
        envelope = None
    found = envelope.get("MessageId") if isinstance(envelope, dict) else None
    chosen = found if isinstance(found, str) and found.strip() else fallback
    return _SAFE.sub("_", chosen)[:128] or "unknown"


def message_key(community_id: str, message_id: str, kind: str, notification: str) -> str:
    parts = (_SAFE.sub("_", community_id), _SAFE.sub("_", message_id), _SAFE.sub("_", kind))
    return f"{PREFIX}/{parts[0]}/{parts[1]}/{parts[2]}-{notification}.json"


def inbound_sms_key(received: date, notification: str) -> str:
    return f"{PREFIX}/sms-inbound/{received.isoformat()}/{notification}.json"


def unmatched_key(received: date, notification: str) -> str:
    return f"{PREFIX}/unmatched/{received.isoformat()}/{notification}.json"


def keep(key: str, body: str) -> str:
    """Store `body` as it arrived under `key`; returns the key."""
    aws.client("s3").put_object(
        Bucket=settings().require("assets_bucket"), Key=key, Body=body.encode("utf-8"),
        ContentType="application/json",
    )
    return key
