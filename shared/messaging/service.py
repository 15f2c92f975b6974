"""Outbox use cases: queue a message, read messages, retry failed ones.

A message is rendered when it is queued (so missing variables are a 422 now, not a failure
later) and records the template version it used. The write happens before the enqueue; if the
enqueue fails the message is marked failed, so an admin's retry picks it up and nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pynamodb.exceptions import PutError

from shared.audit.events import AuditEvent, publish
from shared.community import repository as identity_repository  # the community record (issue 16: out of identity)
from shared.identity import residency
from shared.messaging import outbox, repository
from shared.messaging import tracked_links as links
from shared.messaging.models import Message, MessageEvent, MessageStatus
from shared.messaging.schemas import MessageCreate, MessageList, MessageOut, Queued, Related, Requeued
from shared.platform import clock, cursor, ids, keys
from shared.platform.channels import Category, Channel
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import (
    Conflict,
    FieldError,
    InvalidCursor,
    NotFound,
    RecipientSuppressed,
    ValidationFailed,
)
from shared.platform.observability import logger
from shared.spec.permissions import Permission, Role, allows
from shared.suppression import service as suppression
from shared.templates import render as templates_render
from shared.templates import residents
from shared.templates import service as templates

E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_address(channel: Channel, address: str) -> str:
    if channel == Channel.SMS:
        compact = re.sub(r"[\s().-]", "", address)
        if not E164.fullmatch(compact):
            raise ValidationFailed(details=[FieldError("to", "must be an E.164 phone number, e.g. +14165550123")])
        return compact
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationFailed(details=[FieldError("to", str(error))]) from error


def _audit(caller: Caller, meta: RequestMeta, action: str, target: str | None, **detail: object) -> None:
    publish(AuditEvent(community_id=caller.community_id, action=action, actor_id=caller.user_id, target=target,
                       ip=meta.ip, user_agent=meta.user_agent[:512], detail=dict(detail)))


def create(caller: Caller, request: MessageCreate, meta: RequestMeta) -> Queued:
    community_id = caller.community_id
    template = templates.get(community_id, request.template_id)
    if template is None:
        raise NotFound("No such template.")
    if template.channel != request.channel:
        raise ValidationFailed(details=[FieldError("channel", f"the template is for {template.channel}")])
    variables: dict[str, Any] = {}
    resident_vars: dict[str, Any] | None = None
    if request.resident_id is not None:
        resident_vars = residents.variables_for(community_id, request.resident_id)
        if resident_vars is None:
            raise NotFound("No such resident.")
        address = resident_vars.get("email" if request.channel == Channel.EMAIL else "phone")
        if not address:
            raise ValidationFailed(
                details=[FieldError("resident_id", f"the resident has no {request.channel} address")]
            )
        variables.update(resident_vars)
    else:
        address = request.to
    to = normalise_address(request.channel, str(address))
    message_id = ids.new_id()
    community = identity_repository.get_community(community_id)
    variables.setdefault("email", to if request.channel == Channel.EMAIL else None)
    variables.update({
        "community_name": community.name if community else "",
        "unsubscribe_url": links.unsubscribe_url(community_id, message_id, str(request.channel), to),
    })
    variables.update(request.variables)
    rendered = templates_render.render(template, variables)
    now = clock.iso()
    message = Message(
        id=message_id, community_id=community_id, channel=request.channel, category=Category(template.category),
        to=to, status=MessageStatus.QUEUED, template_id=template.id, template_version=template.version,
        resident_id=request.resident_id, related=request.related.key if request.related else None,
        subject=rendered.subject, html=rendered.html, text=rendered.text,
        created_at=now, updated_at=now,
        events=[MessageEvent(type="queued", at=now, detail={"by": caller.user_id})],
    )
    repository.create(message)
    enqueue_or_fail([message])
    return Queued(id=message.id, status=MessageStatus.QUEUED)


def enqueue_or_fail(messages: list[Message]) -> int:
    """Enqueue; whatever could not be queued is marked failed (and so can be retried)."""
    try:
        outbox.enqueue(messages)
        return len(messages)
    except outbox.EnqueueFailed as error:
        failed = set(error.failed)
    except Exception:  # noqa: BLE001 - SQS unreachable: every message of this call failed
        logger.exception("outbox enqueue failed")
        failed = {m.id for m in messages}
    for message in messages:
        if message.id in failed:
            repository.finish(message, MessageStatus.FAILED, "could not be queued; retry it",
                              from_statuses=(MessageStatus.QUEUED,))
    return len(messages) - len(failed)


def record_once(messages: Sequence[Message]) -> None:
    """Record and queue messages whose ids are derived from what they are about (`ids.derived`), so a retried
    request or a redelivered job may call this again: a message recorded before is not recorded twice, and is
    queued again while it is still `queued` (the earlier attempt may have died between recording and queueing
    it; a second queue message is harmless: delivery claims a message before it sends)."""
    due: list[Message] = []
    for message in messages:
        try:
            repository.create(message)
        except PutError:
            existing = repository.get(message.community_id, message.id)
            if existing is None or existing.status != MessageStatus.QUEUED:
                continue
            message = existing
        due.append(message)
    if due:
        enqueue_or_fail(due)


def _own_only(caller: Caller) -> bool:
    """Owners and tenants read only their own messages (the contract's role table); platform support
    (a super admin acting in a community, `shared.messaging.support`) reads them all."""
    if caller.role == Role.SUPER_ADMIN:
        return False
    return not allows(caller.role, Permission.COMMS_MANAGE) and not allows(caller.role, Permission.RESIDENTS_READ)


def _visible_resident(caller: Caller) -> tuple[bool, str | None]:
    """(whether the caller sees only their own messages, and then whose: their resident id or None)."""
    if not _own_only(caller):
        return False, None
    return True, residency.resident_of(caller)


def get(caller: Caller, message_id: str) -> MessageOut:
    message = repository.get(caller.community_id, message_id)
    own_only, own = _visible_resident(caller)
    if message is None or (own_only and (own is None or message.resident_id != own)):
        raise NotFound("No such message.")
    return MessageOut.of(message)


def _checked_start(community_id: str, after: str | None, **expected: str) -> dict[str, Any] | None:
    """The decoded cursor, refused unless it belongs to the same listing (its index key, its prefix)."""
    start = cursor.decode(community_id, after)
    if start is None:
        return None
    for attribute, value in expected.items():
        found = (start.get(attribute.removesuffix("_prefix")) or {}).get("S")
        ok = isinstance(found, str) and (found.startswith(value) if attribute.endswith("_prefix") else found == value)
        if not ok:
            raise InvalidCursor()
    if "gsi2pk" in start and "gsi2pk" not in expected:
        raise InvalidCursor()
    return start


def list_messages(caller: Caller, *, status: MessageStatus | None, channel: Channel | None,
                  campaign_id: str | None, limit: int, after: str | None, resident_id: str | None = None,
                  related: Related | None = None) -> MessageList:
    """Staff: the community's messages by status, channel, campaign, resident or the thing they are
    about. A resident user: the same filters over their own messages only (newest first)."""
    community_id = caller.community_id
    own_only, own = _visible_resident(caller)
    if own_only:
        if own is None or (resident_id is not None and resident_id != own):
            return MessageList(items=[], next_cursor=None)
        resident_id = own
    if related is not None:
        pk, prefix = keys.messages_about(community_id, related.key)
        start = _checked_start(community_id, after, pk=pk, sk_prefix=prefix)
        items, last = repository.list_about(community_id, related.key, resident_id=resident_id, limit=limit,
                                            after=start)
        items = [m for m in items if status in (None, m.status) and channel in (None, m.channel)
                 and campaign_id in (None, m.campaign_id)]
    elif resident_id is not None:
        start = _checked_start(community_id, after, gsi2pk=keys.messages_of_resident(community_id, resident_id))
        items, last = repository.list_of_resident(community_id, resident_id, limit=limit, after=start,
                                                  status=status, channel=channel, campaign_id=campaign_id)
    elif status is not None:
        start = _checked_start(community_id, after, gsi1pk=keys.messages_by_status(community_id, str(status)))
        items, last = repository.list_by_status(community_id, status, limit=limit, after=start,
                                                channel=channel, campaign_id=campaign_id)
    else:
        start = _checked_start(community_id, after, sk_prefix="MSG#")
        if start is not None and "gsi1pk" in start:
            raise InvalidCursor()
        items, last = repository.list_all(community_id, limit=limit, after=start, channel=channel,
                                          campaign_id=campaign_id)
    return MessageList(items=[MessageOut.of(m) for m in items], next_cursor=cursor.encode(community_id, last))


def retry(caller: Caller, message_id: str, meta: RequestMeta) -> Queued:
    message = repository.get(caller.community_id, message_id)
    if message is None:
        raise NotFound("No such message.")
    if message.status != MessageStatus.FAILED:
        raise Conflict(f"Only failed messages can be retried; this one is {message.status}.")
    if suppression.blocking_reason(caller.community_id, message.channel, message.to, message.category):
        raise RecipientSuppressed()
    if not repository.requeue(message, f"retry by {caller.user_id}"):
        raise Conflict("The message changed meanwhile; reload it.")
    enqueue_or_fail([message])
    _audit(caller, meta, "message.retried", message.id)
    return Queued(id=message.id, status=MessageStatus.QUEUED)


def retry_failed(caller: Caller, campaign_id: str | None, meta: RequestMeta) -> Requeued:
    """Requeue every failed message of the community (or of one campaign), page by page."""
    requeued: list[Message] = []
    after: dict[str, Any] | None = None
    while True:
        page, after = repository.list_by_status(caller.community_id, MessageStatus.FAILED, limit=200, after=after,
                                                campaign_id=campaign_id or None)
        for message in page:
            if suppression.blocking_reason(caller.community_id, message.channel, message.to, message.category):
                continue
            if repository.requeue(message, f"retry-failed by {caller.user_id}"):
                requeued.append(message)
        if after is None:
            break
    count = enqueue_or_fail(requeued) if requeued else 0
    _audit(caller, meta, "message.retry_failed", campaign_id, requeued=count)
    return Requeued(requeued=count)
