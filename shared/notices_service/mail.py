"""A reminder's mail: to the notice's creator and the managers assigned to its property, through the outbox
as transactional system mail (`shared.messaging.system`), rendered in the template sandbox."""

from __future__ import annotations

from shared.identity import repository as identity
from shared.messaging import system
from shared.messaging.system import SystemMail
from shared.notices_service.models import Notice, StoredReminder
from shared.platform import ids
from shared.platform.links import app_link
from shared.properties import assigned
from shared.spec.permissions import Role

REMINDER = SystemMail(
    kind="notice_reminder",
    subject="Notice reminder: {{ message }}",
    html=(
        "<p>{{ message }}</p>"
        "<p>Basis: {{ citation }}. Due {{ due_on }}.</p>"
        '<p><a href="{{ link }}">Open the notice</a></p>'
        "<p>This is a reminder, not legal advice.</p>"
    ),
    text="{{ message }}\n\nBasis: {{ citation }}. Due {{ due_on }}.\n\nOpen the notice: {{ link }}\n\n"
         "This is a reminder, not legal advice.\n",
)


def recipients(reminder: StoredReminder) -> list[str]:
    """The creator (if still active) and every active manager assigned to the notice's property."""
    cid = reminder.community_id
    found: dict[str, str] = {}
    creator = identity.get_user(cid, reminder.created_by)
    if creator is not None and creator.status == "active":
        found[creator.id] = creator.email
    after = None
    while True:
        users, after = identity.list_users(cid, limit=200, after=after)
        for user in users:
            if user.role == Role.MANAGER and user.status == "active" and \
                    reminder.property_id in (assigned.assigned_properties(cid, user.id) or ()):
                found[user.id] = user.email
        if after is None:
            break
    return sorted(set(found.values()))


def send_reminder(reminder: StoredReminder) -> list[str]:
    """Queue one mail per recipient; the message ids."""
    variables: dict[str, object] = {"message": reminder.message, "citation": reminder.citation,
                                    "due_on": reminder.due_on.isoformat(),
                                    "link": app_link("/notices", id=reminder.notice_id)}
    return [system.send(reminder.community_id, to, REMINDER, variables) for to in recipients(reminder)]


PAID = SystemMail(
    kind="notice_void_paid",
    subject="N4 void: the arrears were paid",
    html=(
        "<p>The arrears of the tenancy of the N4 {{ notice_id }} were paid in full, so the notice is void "
        "(RTA s.59(3)) and its reminders are cancelled.</p>"
        '<p><a href="{{ link }}">Open the notice</a></p>'
    ),
    text="The arrears of the tenancy of the N4 {{ notice_id }} were paid in full, so the notice is void "
         "(RTA s.59(3)) and its reminders are cancelled.\n\nOpen the notice: {{ link }}\n",
)


def send_paid(notice: Notice) -> list[str]:
    """Tell the notice's creator (if still active) that a payment voided it: once, however often it is called
    (the message id is derived from the notice)."""
    creator = identity.get_user(notice.community_id, notice.created_by)
    if creator is None or creator.status != "active":
        return []
    return [system.send(notice.community_id, creator.email, PAID,
                        {"notice_id": notice.id, "link": app_link("/notices", id=notice.id)},
                        message_id=ids.derived(notice.community_id, notice.id, "void-paid"))]
