"""Which communities have texted a phone number: how an inbound SMS (STOP, START) finds its tenants.

An SMS reply names only the two phone numbers, never a message or a community, and every
community sends from the same origination number. So the sender records a route per
(phone, community) on each SMS it sends, and the provider-events worker reads them back.

The items are global pointers (like the slug lookup), not tenant data: pk `SMSROUTE#{phone}`,
sk `C#{community_id}`. They do not expire: a STOP must reach every community that may text the
number again, however long ago it last did.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from shared.platform import clock, db, keys
from shared.platform.db import BaseItem


class SmsRouteItem(BaseItem, discriminator="sms_route"):
    phone = UnicodeAttribute()
    community_id = UnicodeAttribute()
    last_sent_at = UnicodeAttribute()


def normalise(phone: str) -> str:
    """E.164 as sent and as SNS reports it (`+15555550100`): only stray whitespace is dropped."""
    return "".join(phone.split())


def route_key(phone: str, community_id: str) -> tuple[str, str]:
    return keys.sms_route(normalise(phone), community_id)


def route_pk(phone: str) -> str:
    return keys.sms_route_pk(normalise(phone))


def remember_sms_route(community_id: str, phone: str) -> None:
    """Record that this community texted this number (one idempotent PutItem per SMS sent)."""
    db.bind()
    pk, sk = route_key(phone, community_id)
    SmsRouteItem(pk, sk, phone=normalise(phone), community_id=community_id, last_sent_at=clock.iso()).save()


def recent_sms_communities(phone: str) -> list[str]:
    """Every community that has texted `phone`, by id (one Query on the number's partition)."""
    db.bind()
    routes = SmsRouteItem.query(route_pk(phone), SmsRouteItem.sk.startswith("C#"))
    return [item.community_id for item in routes]
