"""Mail the platform itself sends (email verification, invitations): the same outbox, no template item.

These are transactional: they skip marketing opt-outs but, like every message, never reach an
address that hard-bounced or complained. The body is rendered in the same sandbox as templates, so
a community name or a person's name is escaped in HTML like any variable.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.messaging.models import Attachment, Message, MessageEvent, MessageStatus
from shared.messaging.service import record_once
from shared.platform import clock, ids
from shared.platform.channels import Category, Channel
from shared.platform.text import one_line
from shared.templates.render import environment


@dataclass(frozen=True)
class SystemMail:
    kind: str  # recorded on the message's first event, e.g. "email_verification"
    subject: str
    html: str
    text: str


def send(community_id: str, to: str, mail: SystemMail, variables: dict[str, object], *,
         attachments: tuple[Attachment, ...] = (), related: str | None = None, resident_id: str | None = None,
         message_id: str | None = None) -> str:
    """Render `mail` with `variables`, record it and queue it; the message id. `attachments` name files
    already stored (`shared.messaging.attachments.store`); `related` (`type:id`) lists it with that thing.
    `message_id` (`ids.derived` of what the mail is about): a redelivered job that sends it again records
    nothing twice (`record_once`)."""
    now = clock.iso()
    message = Message(
        id=message_id or ids.new_id(), community_id=community_id, channel=Channel.EMAIL,
        category=Category.TRANSACTIONAL,
        to=to.lower(), status=MessageStatus.QUEUED,
        subject=one_line(environment("subject").from_string(mail.subject).render(variables)),
        html=environment("html").from_string(mail.html).render(variables),
        text=environment("text").from_string(mail.text).render(variables),
        attachments=attachments, related=related, resident_id=resident_id,
        created_at=now, updated_at=now, events=[MessageEvent(type="queued", at=now, detail={"kind": mail.kind})],
    )
    record_once([message])  # a new id is simply created and queued
    return message.id
