"""Storage items of a community: its record and the slug that points at it."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class CommunityItem(BaseItem, discriminator="community"):
    id = UnicodeAttribute()
    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    timezone = UnicodeAttribute(default="UTC")
    mfa_required_roles = ListAttribute(of=UnicodeAttribute, default=lambda: ["admin", "manager", "board"])
    sender_from_name = UnicodeAttribute(null=True)
    sender_reply_to = UnicodeAttribute(null=True)
    branding = UnicodeAttribute(null=True)  # JSON of community.models.Branding
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    default_region = UnicodeAttribute(default="US")
    delinquency_threshold = UnicodeAttribute(default="0.00")
    # Work-order settings (issue 13), JSON; absent means the contract's defaults.
    work_order_sla_hours = UnicodeAttribute(null=True)  # JSON of community.settings.SlaHours
    heating_season = UnicodeAttribute(null=True)  # JSON of community.settings.HeatingSeason
    on_call_phones = ListAttribute(of=UnicodeAttribute, null=True)  # E.164: emergency work orders page them


class SlugItem(BaseItem, discriminator="slug"):
    community_id = UnicodeAttribute()
