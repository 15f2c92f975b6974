"""Storage item of templates: `C#{cid}` / `TEMPLATE#{tid}` (ULID ids, so the sort key is time order)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class TemplateItem(BaseItem, discriminator="template"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    name = UnicodeAttribute()
    channel = UnicodeAttribute()
    category = UnicodeAttribute()
    subject = UnicodeAttribute(null=True)
    html = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)  # absent: derived from the HTML at render time
    variables = ListAttribute(of=UnicodeAttribute, default=list)
    version = NumberAttribute()
    in_use = NumberAttribute(default=0)  # scheduled campaigns referencing it (`service.mark_in_use`)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
