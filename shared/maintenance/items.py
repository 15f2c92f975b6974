"""Storage items of work orders (every key: shared.platform.keys; the table: docs/data-model.md).

- order `C#{cid}` / `WO#{id}`, on GSI1 per property (`C#{cid}#PROP#{pid}#WO` / `{id}`);
- the community's number counter `C#{cid}` / `WONUMBER` (atomic ADD);
- events `C#{cid}#WO#{id}` / `EV#{event id}` and comments `.../CM#{comment id}`.

Times are ISO-8601 UTC strings (so `due_at < now` is a key-free string comparison in a filter);
nested shapes (triage, vendor, entry, event detail) are JSON strings.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from shared.platform.db import BaseItem


class WorkOrderItem(BaseItem, discriminator="work_order"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    number = NumberAttribute()
    property_id = UnicodeAttribute()
    unit_id = UnicodeAttribute(null=True)
    tenancy_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    category = UnicodeAttribute()
    triage = UnicodeAttribute()  # JSON of orders.Triage
    priority = UnicodeAttribute()
    priority_reason = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    due_at = UnicodeAttribute()
    assignee_id = UnicodeAttribute(null=True)
    vendor = UnicodeAttribute(null=True)  # JSON of orders.Vendor
    entry = UnicodeAttribute(null=True)  # JSON of orders.Entry
    reopened = NumberAttribute(default=0)
    completed_at = UnicodeAttribute(null=True)
    overdue_noted_at = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_by_role = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)


class WorkOrderCounterItem(BaseItem, discriminator="work_order_counter"):
    number = NumberAttribute(default=0)


class WorkOrderEventItem(BaseItem, discriminator="work_order_event"):
    id = UnicodeAttribute()
    work_order_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    at = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)
    actor_role = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(default="{}")  # JSON
    message_ids = ListAttribute(of=UnicodeAttribute, default=list)


class WorkOrderCommentItem(BaseItem, discriminator="work_order_comment"):
    id = UnicodeAttribute()
    work_order_id = UnicodeAttribute()
    body = UnicodeAttribute()
    internal = BooleanAttribute(default=False)
    author_id = UnicodeAttribute()
    author_role = UnicodeAttribute()
    created_at = UnicodeAttribute()


class HealthCounterItem(BaseItem, discriminator="work_order_health"):
    """One property × category × month row of `counters.CategoryMonth` (written by update actions)."""

    month = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    opened = NumberAttribute(null=True)
    emergencies = NumberAttribute(null=True)
    overdue = NumberAttribute(null=True)
    order_ids = UnicodeSetAttribute(null=True)
    overdue_ids = UnicodeSetAttribute(null=True)
    open_emergency_ids = UnicodeSetAttribute(null=True)


class SeasonalWorkItem(BaseItem, discriminator="work_order_seasonal"):
    """The property's seasonal work `…#HEALTH` / `SEASONAL`: the last day (ISO, community time) each task was
    done, one attribute per `health.SeasonalTask` value (set by update actions in the order's transaction)."""

    heating_serviced = UnicodeAttribute(null=True)
    winterized = UnicodeAttribute(null=True)


class WorkOrderFileItem(BaseItem, discriminator="work_order_file"):
    """An attachment `C#{cid}` / `WOFILE#{id}`, on GSI1 per order (`C#{cid}#WO#{order id}#FILES` / id)."""

    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    work_order_id = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    object_key = UnicodeAttribute()
    etag = UnicodeAttribute(null=True)
    has_thumbnail = BooleanAttribute(default=False)
    rejection_reason = UnicodeAttribute(null=True)
    uploaded_by = UnicodeAttribute()
    uploaded_by_role = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
