"""Storage item of a campaign: `C#{cid}` / `CAMPAIGN#{id}`, carrying its report counters."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from shared.messaging.counters import CountersItem


class CampaignItem(CountersItem, discriminator="campaign"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    name = UnicodeAttribute()
    channel = UnicodeAttribute()
    template_id = UnicodeAttribute()
    audience = UnicodeAttribute()  # JSON of `Audience`
    variables = UnicodeAttribute(default="{}")  # JSON
    status = UnicodeAttribute()
    send_at = UnicodeAttribute(null=True)
    schedule_token = UnicodeAttribute(null=True)
    template_version = NumberAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    failure_reason = UnicodeAttribute(null=True)
    snapshot_done = BooleanAttribute(default=False)
    fanout_cursor = UnicodeAttribute(null=True)  # JSON of the last enqueued key
    fanout_done = BooleanAttribute(default=False)
    no_address = NumberAttribute(default=0)
    # Final chunk rounds seen (an atomic ADD returning the whole item: completion is detected without a read).
    chunks_done = NumberAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)
