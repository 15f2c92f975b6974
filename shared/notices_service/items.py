"""Storage items of notices (keys: shared.platform.keys; the table: docs/data-model.md).

- notice `C#{cid}` / `NOTICE#{id}`, listed per property on GSI1 (`C#{cid}#NOTICES#{pid}` / `NOTICE#{id}`);
- reminder `C#{cid}` / `REMINDER#{notice}#{kind}:{due_on}`, on GSI1 `C#{cid}#REMINDERS` /
  `{status}#{due_on}#{notice}#{key}` (pending ones due by a day are one key range);
- effect marker `C#{cid}` / `NOTICEEFF#{effective_on}#{notice}` while a notice is served.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class NoticeItem(BaseItem, discriminator="notice"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    notice_type = UnicodeAttribute()
    tenancy_id = UnicodeAttribute()
    property_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    status = UnicodeAttribute()
    details = UnicodeAttribute()  # JSON (money as strings)
    effective_on = UnicodeAttribute(null=True)
    served_on = UnicodeAttribute(null=True)
    service_method = UnicodeAttribute(null=True)
    deemed_served_on = UnicodeAttribute(null=True)
    served_by = UnicodeAttribute(null=True)
    void_reason = UnicodeAttribute(null=True)
    voided_by_payment = BooleanAttribute(null=True)  # absent: False
    note = UnicodeAttribute(null=True)
    checks = UnicodeAttribute(default="[]")  # JSON [{rule, citation, ok, message}]
    documents = ListAttribute(of=UnicodeAttribute, default=list)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)


class ReminderItem(BaseItem, discriminator="notice_reminder"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    notice_id = UnicodeAttribute()
    tenancy_id = UnicodeAttribute()
    property_id = UnicodeAttribute()
    key = UnicodeAttribute()
    kind = UnicodeAttribute()
    due_on = UnicodeAttribute()
    message = UnicodeAttribute()
    citation = UnicodeAttribute()
    status = UnicodeAttribute()
    created_by = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)


class NoticeEffectItem(BaseItem, discriminator="notice_effect"):
    notice_id = UnicodeAttribute()
    effective_on = UnicodeAttribute()
