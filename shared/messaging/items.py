"""Storage items of the outbox."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class EventMap(MapAttribute[str, object]):
    type = UnicodeAttribute()
    at = UnicodeAttribute()
    # JSON: provider details vary by event type. Absent on the routine `attempt` and `sent` events, whose
    # details are derived on read (the attempt's ordinal, the item's provider id): a message item stays < 1 KB.
    detail = UnicodeAttribute(null=True)


class MessageItem(BaseItem, discriminator="message"):
    # Both are in the keys (`C#{community}` / `MSG#{id}`): items written since issue 16 leave them out (< 1 KB).
    id = UnicodeAttribute(null=True)
    community_id = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    category = UnicodeAttribute()
    to = UnicodeAttribute()
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    claim = UnicodeAttribute(null=True)  # the delivery attempt holding the message while `sending`
    template_id = UnicodeAttribute(null=True)
    template_version = NumberAttribute(null=True)
    campaign_id = UnicodeAttribute(null=True)
    resident_id = UnicodeAttribute(null=True)
    related = UnicodeAttribute(null=True)  # `type:id`; also a MessageAboutItem pointer (issue 12)
    subject = UnicodeAttribute(null=True)
    html = UnicodeAttribute(null=True)
    text = UnicodeAttribute(default="")
    # JSON of the recipient's template variables when the message is rendered at delivery (campaign
    # recipients: snapshot taken at fan-out); absent when subject/html/text were rendered at queueing.
    variables = UnicodeAttribute(null=True)
    attachments = UnicodeAttribute(null=True)  # JSON list of `Attachment` (key, filename, content type)
    last_error = UnicodeAttribute(null=True)
    provider_message_id = UnicodeAttribute(null=True)
    opened_at = UnicodeAttribute(null=True)
    clicked_at = UnicodeAttribute(null=True)
    unsubscribed_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    events = ListAttribute(of=EventMap, default=list)


class MessageAboutItem(BaseItem, discriminator="message_about"):
    """Pointer from a thing (`type:id`) to one message about it: every message about a work order,
    notice, application or tenancy is one key-prefix query (written with the message)."""

    message_id = UnicodeAttribute()
    resident_id = UnicodeAttribute(null=True)  # so `?resident_id=&related=` filters the pointers
