"""Who must not be contacted, on which channel, and why."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.platform.channels import Category, Channel


class Reason(StrEnum):
    BOUNCE = "bounce"  # permanent bounce: the address does not exist
    COMPLAINT = "complaint"  # marked as spam
    STOP = "stop"  # SMS STOP reply
    UNSUBSCRIBED = "unsubscribed"  # marketing opt-out (unsubscribe link or one-click)
    MANUAL = "manual"  # added by an admin


# Transactional mail ignores a marketing opt-out, never the others (the contract's rule).
MARKETING_ONLY = frozenset({Reason.UNSUBSCRIBED})


class Suppression(BaseModel):
    model_config = ConfigDict(frozen=True)

    community_id: str
    channel: Channel
    address: str
    reason: Reason
    source: str  # what added it: a message id, "api:{user}", "sms-reply"
    created_at: str


def blocks(suppression: Suppression, category: Category) -> bool:
    return category == Category.MARKETING or suppression.reason not in MARKETING_ONLY
