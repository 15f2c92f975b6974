"""Open, click and unsubscribe: what a signed token in a sent mail may do, and nothing more.

History stays bounded whatever a token holder does: a message records one open, one click per
distinct link (links are fixed by the signed tokens in the mail) and one unsubscribe. So
reloading a pixel in a loop cannot grow the message item towards DynamoDB's size limit.
No IP address or user agent is stored for opens and clicks.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.community import repository as communities
from shared.messaging import events
from shared.messaging import repository as messages
from shared.messaging import tracking_tokens as tokens
from shared.messaging.models import Message, ProviderEvent, ProviderEventKind
from shared.messaging.tracking_tokens import Claims, Kind
from shared.platform import clock
from shared.platform.channels import Channel
from shared.platform.context import RequestMeta
from shared.platform.errors import NotFound
from shared.platform.masking import mask_address
from shared.platform.observability import logger
from shared.suppression import admin as suppression_admin
from shared.suppression import service as suppressions
from shared.suppression.models import Reason


@dataclass(frozen=True)
class UnsubscribeView:
    """What the unsubscribe page shows: enough to recognise, never the full address."""

    community_name: str | None
    masked_address: str
    channel: Channel


def _has_event(message: Message, kind: ProviderEventKind, **detail: object) -> bool:
    return any(e.type == str(kind) and all(e.detail.get(k) == v for k, v in detail.items())
               for e in message.events)


def _record(claims: Claims, kind: ProviderEventKind, **detail: object) -> None:
    """Record `kind` (with this detail) on the token's message unless it is already there."""
    message = messages.get(claims.community_id, claims.message_id)
    if message is None or (kind == ProviderEventKind.OPEN and message.opened_at is not None):
        return
    if not _has_event(message, kind, **detail):
        events.record(ProviderEvent(community_id=claims.community_id, message_id=claims.message_id, kind=kind,
                                    at=clock.iso(), detail=dict(detail)))


def record_open(token: str) -> None:
    """Record the first open of a genuine token's message. Never raises: the pixel is always
    served the same way, so it tells nobody whether a token (or our storage) is good."""
    try:
        claims = tokens.verify(token, Kind.OPEN)
        if claims is not None:
            _record(claims, ProviderEventKind.OPEN)
    except Exception:  # noqa: BLE001 - a lost open must not turn into a broken image
        logger.exception("open not recorded")


def click_target(token: str) -> str:
    """The signed link behind a click token (NotFound for anything else), the click recorded.

    Recording is best effort: the reader clicked a link and gets where it goes either way.
    """
    claims = tokens.verify(token, Kind.CLICK)
    if claims is None or claims.url is None:
        raise NotFound()
    try:
        _record(claims, ProviderEventKind.CLICK, url=claims.url)
    except Exception:  # noqa: BLE001 - the redirect matters more than the statistic
        logger.exception("click not recorded")
    return claims.url


@dataclass(frozen=True)
class _Unsubscribe:
    community_id: str
    message_id: str
    channel: Channel
    address: str


def _unsubscribe_claims(token: str) -> _Unsubscribe:
    claims = tokens.verify(token, Kind.UNSUBSCRIBE)
    if claims is None or claims.channel is None or not claims.address:
        raise NotFound()
    return _Unsubscribe(claims.community_id, claims.message_id, claims.channel, claims.address)


def _view(target: _Unsubscribe) -> UnsubscribeView:
    community = communities.get_community(target.community_id)
    return UnsubscribeView(community_name=community.name if community else None,
                           masked_address=mask_address(target.address), channel=target.channel)


def unsubscribe_view(token: str) -> UnsubscribeView:
    """The confirmation page's content. Changes nothing: link scanners follow GET links."""
    return _view(_unsubscribe_claims(token))


def unsubscribe(token: str, meta: RequestMeta, *, one_click: bool) -> UnsubscribeView:
    """Suppress the token's address for marketing on its channel, in its community. Idempotent.

    The suppression is what matters and comes first; the message event and the audit record
    are written once, on the first unsubscribe through this message.
    """
    target = _unsubscribe_claims(token)
    entry = suppressions.add(target.community_id, target.channel, target.address, Reason.UNSUBSCRIBED,
                             source=target.message_id)
    message = messages.get(target.community_id, target.message_id)
    if message is None or not _has_event(message, ProviderEventKind.UNSUBSCRIBE):
        method = "one-click" if one_click else "page"
        if message is not None:
            events.record(ProviderEvent(community_id=target.community_id, message_id=target.message_id,
                                        kind=ProviderEventKind.UNSUBSCRIBE, at=clock.iso(),
                                        detail={"channel": str(target.channel), "method": method}))
        suppression_admin.audit("suppression.unsubscribed", target.community_id, meta, actor=None,
                                channel=target.channel, address=entry.address, reason=str(entry.reason),
                                message_id=target.message_id, method=method)
    return _view(target)
