"""Who hears about a work order, and what they are told.

- An emergency (on create, or a change of priority to emergency) is texted to each of the
  community's `on_call_phones` and mailed to the property's managers, at once. Each message's id is
  derived from the order and the recipient, so a retried create or a redelivered alert sends nothing
  twice; the alert is kept as the order's event, whose id is derived too (one per order).
- A status change is mailed to the tenancy's parties (those with an email address); the message
  ids are kept on the change's event.

The property's managers are the managers assigned to it plus the unscoped managers (who reach the
whole community); a community with neither mails its admins, so an emergency always reaches staff.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from shared.maintenance import notify, repository
from shared.maintenance.orders import OrderEvent, WorkOrder
from shared.platform import ids
from shared.platform.channels import Channel
from shared.platform.masking import mask_phone
from shared.properties.models import Tenancy

USERS_PAGE = 200


def _property_name(order: WorkOrder) -> str:
    from shared.properties import repository as properties

    prop = properties.get_property(order.community_id, order.property_id)
    return prop.name if prop is not None else "the property"


def managers_of(community_id: str, property_id: str) -> list[str]:
    """Email addresses of the property's managers (see the module's note), sorted."""
    from shared.identity import repository as identity
    from shared.properties import assigned

    users, after, managers, admins = [], None, set(), set()
    while True:
        page, after = identity.list_users(community_id, limit=USERS_PAGE, after=after)
        users += [u for u in page if u.status == "active"]
        if not after:
            break
    for user in users:
        if user.role == "manager":
            reach = assigned.assigned_properties(community_id, user.id)
            if not reach or property_id in reach:
                managers.add(user.email)
        elif user.role == "admin":
            admins.add(user.email)
    return sorted(managers or admins)


def emergency(order: WorkOrder, now: datetime) -> list[str]:
    """Text the on-call phones and mail the managers, once per order; the message ids."""
    from shared.community import repository as communities

    community = communities.get_community(order.community_id)
    phones = list(community.on_call_phones) if community is not None else []
    where = _property_name(order)
    text = (f"EMERGENCY work order #{order.number} at {where}: {order.title}. "
            f"Category {order.category}; due by {order.due_at:%Y-%m-%d %H:%M} UTC.")
    outgoing = [notify.Outgoing(id=ids.derived(order.community_id, order.id, "emergency-sms", phone),
                                channel=Channel.SMS, to=phone, text=text[:300], kind="work_order_emergency",
                                work_order_id=order.id) for phone in phones]
    body = (f"An emergency work order was reported at {where}.\n\n#{order.number}: {order.title}\n"
            f"Category: {order.category}\n{order.description}\n\nTriage: {'; '.join(order.triage.reasons)}\n"
            f"Due by {order.due_at:%Y-%m-%d %H:%M} UTC. Work order id: {order.id}\n")
    outgoing += [notify.Outgoing(id=ids.derived(order.community_id, order.id, "emergency-mail", email),
                                 channel=Channel.EMAIL, to=email, subject=f"Emergency work order #{order.number}",
                                 text=body, kind="work_order_emergency", work_order_id=order.id)
                 for email in managers_of(order.community_id, order.property_id)]
    sent = notify.send(order.community_id, outgoing)
    event = OrderEvent(id=ids.derived(order.community_id, order.id, "emergency-event"),
                       work_order_id=order.id, kind="emergency_alert", at=now,
                       detail={"sms": [mask_phone(p) for p in phones], "mails": len(outgoing) - len(phones)},
                       message_ids=sent)
    with contextlib.suppress(repository.EventExists):  # recorded by an earlier attempt
        repository.add_event(order.community_id, event)
    return sent


def _party_emails(order: WorkOrder, tenancy: Tenancy) -> list[tuple[str, str]]:
    """(resident id, email) of each party with an email address."""
    from shared.residents import repository as residents

    found = residents.get_many(order.community_id, tenancy.resident_ids)
    return [(rid, str(found[rid].email)) for rid in tenancy.resident_ids if rid in found and found[rid].email]


def status_mails(order: WorkOrder, tenancy: Tenancy, event: OrderEvent) -> list[notify.Outgoing]:
    """The mail of a status change to each party (ids derived from the event: sent once)."""
    note = event.detail.get("note")
    text = (f"Work order #{order.number} ({order.title}) is now {str(order.status).replace('_', ' ')}.\n"
            + (f"\nNote: {note}\n" if note else ""))
    return [notify.Outgoing(id=ids.derived(order.community_id, event.id, rid), channel=Channel.EMAIL,
                            to=email, subject=f"Work order #{order.number}: {str(order.status).replace('_', ' ')}",
                            text=text, kind="work_order_status", work_order_id=order.id, resident_id=rid)
            for rid, email in _party_emails(order, tenancy)]


def deliver(community_id: str, mails: list[notify.Outgoing]) -> list[str]:
    return notify.send(community_id, mails) if mails else []


def comment_mails(order: WorkOrder, tenancy: Tenancy, event: OrderEvent, body: str) -> list[notify.Outgoing]:
    """A public comment mailed to each party (never called for an internal one)."""
    text = f"A new comment on work order #{order.number} ({order.title}):\n\n{body}\n"
    return [notify.Outgoing(id=ids.derived(order.community_id, event.id, rid), channel=Channel.EMAIL,
                            to=email, subject=f"Work order #{order.number}: a new comment", text=text,
                            kind="work_order_comment", work_order_id=order.id, resident_id=rid)
            for rid, email in _party_emails(order, tenancy)]


def entry_mails(order: WorkOrder, tenancy: Tenancy, event: OrderEvent, *, reason: str,
                zone: str) -> list[notify.Outgoing]:
    """The written notice of entry (RTA s. 27) to each party: the date, the window in community time,
    and the reason; the basis when notice was not required (emergency, the lead tenant's approval)."""
    from zoneinfo import ZoneInfo

    assert order.entry is not None
    tz = ZoneInfo(zone)
    start, end = order.entry.starts_at.astimezone(tz), order.entry.ends_at.astimezone(tz)
    basis = event.detail.get("basis")
    why = {"emergency": "This is an emergency (Residential Tenancies Act, 2006, s. 26(1)(a)).\n",
           "tenant_approval": "The lead tenant agreed to this window (Residential Tenancies Act, 2006, "
                              "s. 26(1)(b)).\n"}.get(str(basis), "")
    text = (f"Notice of entry (Residential Tenancies Act, 2006, s. 27)\n\n"
            f"Your landlord or their agent will enter your unit on {start:%A %d %B %Y} between "
            f"{start:%H:%M} and {end:%H:%M} ({zone}).\n\nReason: {reason}\n\n{why}"
            f"Notice given {order.entry.notice_sent_at:%Y-%m-%d %H:%M} UTC. Work order #{order.number}.\n")
    return [notify.Outgoing(id=ids.derived(order.community_id, event.id, rid), channel=Channel.EMAIL,
                            to=email, subject=f"Notice of entry: {start:%A %d %B %Y}, {start:%H:%M}–{end:%H:%M}",
                            text=text, kind="work_order_entry_notice", work_order_id=order.id, resident_id=rid)
            for rid, email in _party_emails(order, tenancy)]
