"""Suppression storage: one item per (community, channel, address)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist

from shared.platform import db, keys
from shared.platform.channels import Channel
from shared.platform.db import BaseItem
from shared.platform.mapping import to_item, to_model
from shared.suppression.models import Suppression


class SuppressionItem(BaseItem, discriminator="suppression"):
    community_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    address = UnicodeAttribute()
    reason = UnicodeAttribute()
    source = UnicodeAttribute()
    created_at = UnicodeAttribute()


def _model(item: SuppressionItem) -> Suppression:
    return to_model(Suppression, item)


def put(suppression: Suppression) -> None:
    """Store (or replace) the suppression; a stronger reason simply overwrites a weaker one."""
    db.bind()
    key = keys.suppression(suppression.community_id, str(suppression.channel), suppression.address)
    to_item(SuppressionItem, suppression, key, address=suppression.address.lower()).save()


def get(community_id: str, channel: Channel, address: str) -> Suppression | None:
    db.bind()
    try:
        return _model(SuppressionItem.get(*keys.suppression(community_id, str(channel), address)))
    except DoesNotExist:
        return None


def delete(community_id: str, channel: Channel, address: str) -> bool:
    db.bind()
    item = SuppressionItem(*keys.suppression(community_id, str(channel), address))
    try:
        item.delete(condition=SuppressionItem.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get_many(community_id: str, channel: Channel, addresses: list[str]) -> list[Suppression]:
    db.bind()
    wanted = [keys.suppression(community_id, str(channel), a) for a in dict.fromkeys(addresses)]
    return [_model(item) for item in SuppressionItem.batch_get(wanted)] if wanted else []


def list_page(community_id: str, *, channel: Channel | None, limit: int,
              after: dict[str, Any] | None) -> tuple[list[Suppression], dict[str, Any] | None]:
    db.bind()
    prefix = f"SUPPRESS#{channel}#" if channel else "SUPPRESS#"
    result = SuppressionItem.query(keys.community_pk(community_id), SuppressionItem.sk.startswith(prefix),
                                   limit=limit, last_evaluated_key=after)
    return [_model(i) for i in result], result.last_evaluated_key
