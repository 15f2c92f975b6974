"""Provider events applied to messages: the one entry point for SES notifications, SMS replies
and our own open/click tracking."""

from __future__ import annotations

from dataclasses import dataclass

from shared.messaging import repository
from shared.messaging.models import KIND_STATUS, MessageEvent, MessageStatus, ProviderEvent, ProviderEventKind
from shared.messaging.progress import Settled
from shared.platform.observability import logger

_FIRST_OF = {ProviderEventKind.OPEN: "opened_at", ProviderEventKind.CLICK: "clicked_at",
             ProviderEventKind.UNSUBSCRIBE: "unsubscribed_at"}


@dataclass(frozen=True)
class Recorded:
    moved: bool  # it moved the status or set a first open/click
    settled: Settled | None = None  # the campaign whose recipient it took out of queued/sending

    def __bool__(self) -> bool:
        return self.moved


def record(event: ProviderEvent) -> Recorded:
    """Apply one event to its message; whether it moved it, and the campaign it may have completed
    (the caller hands that to `shared.campaigns.progress`: messaging never closes a campaign).

    An event for a message we do not have (another stage's, or deleted) is logged and ignored:
    retrying cannot make it apply.
    """
    message = repository.get(event.community_id, event.message_id)
    if message is None:
        logger.warning("provider event for an unknown message", extra={"kind": str(event.kind),
                                                                       "message_id": event.message_id})
        return Recorded(False)
    history = MessageEvent(type=str(event.kind), at=event.at, detail=event.detail)
    moved = repository.advance(
        message, KIND_STATUS[event.kind], history,
        provider_message_id=event.provider_message_id, first_of=_FIRST_OF.get(event.kind),
    )
    if moved and message.campaign_id and message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        # It may have been the campaign's last recipient whose outcome was unknown until now.
        return Recorded(True, Settled(message.community_id, message.campaign_id))
    return Recorded(moved)
