"""A campaign's fan-out: from one start message to chunks of recipients on the outbox queue.

1. Start: a scheduled campaign moves to `sending` only if the firing carries its current schedule
   token (a cancelled or rescheduled campaign ignores a stale firing); a campaign sent "now" is
   already `sending`.
2. Snapshot and enqueue: the audience is resolved once, in resident id order, and its recipients put on
   the outbox's bulk lane in chunks that carry each recipient's message (id `{campaign}-{resident}`,
   address, template variables as they are now), so later edits to residents do not change who gets it
   or what it says: the chunks are the snapshot, and no message item is written here (the delivery
   worker's claim writes it). After each page a checkpoint (one transaction) records the last resident
   id and counts the page as recipients. A crash re-enqueues at most one page; the claims make that
   harmless. A campaign whose messages were written before this design (`snapshot_done`) enqueues
   chunks of their ids, as it did.
4. Completion is detected from the counters, by whoever moves the last recipient out of `queued`: a
   delivered chunk (`progress.chunk_delivered`: an atomic ADD, no read), a provider event, a job, or
   the fan-out itself (`repository.complete`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from shared.campaigns import audience as audiences
from shared.campaigns import repository
from shared.campaigns.models import Campaign, CampaignStatus
from shared.messaging import chunks
from shared.messaging import repository as messages
from shared.messaging.models import Message, MessageEvent, MessageStatus
from shared.platform import clock
from shared.platform.channels import Category
from shared.platform.observability import logger
from shared.residents import service as residents
from shared.residents.models import Resident
from shared.templates import service as templates

SNAPSHOT_PAGE = 5 * chunks.CHUNK_SIZE  # recipients per checkpoint: one SendMessageBatch (5 full chunks, 10 first ones)


@dataclass(frozen=True)
class Start:
    community_id: str
    campaign_id: str
    token: str | None  # the schedule's token; None when sent "now"


class StartMessage(BaseModel):
    """The campaigns queue's body (the worker's typed SQS record model): from the send route or the schedule."""

    community_id: str = Field(min_length=1)
    campaign_id: str = Field(min_length=1)
    token: str | None = None

    def start(self) -> Start:
        return Start(self.community_id, self.campaign_id, self.token or None)


def parse(body: str) -> Start:
    return StartMessage.model_validate_json(body).start()


def message_id(campaign_id: str, resident_id: str) -> str:
    return f"{campaign_id}-{resident_id}"


def _message(campaign: Campaign, resident: Resident, address: str, category: Category, version: int,
             at: str) -> Message:
    variables: dict[str, Any] = residents.variables_of(resident)
    variables.update(campaign.variables)
    return Message(
        id=message_id(campaign.id, resident.id), community_id=campaign.community_id, channel=campaign.channel,
        category=category, to=address.lower() if "@" in address else address, status=MessageStatus.QUEUED,
        template_id=campaign.template_id, template_version=version, campaign_id=campaign.id,
        resident_id=resident.id, variables=variables, created_at=at, updated_at=at,
        events=[MessageEvent(type="queued", at=at, detail={"campaign_id": campaign.id})],
    )


def _pages(items: Iterable[Message], size: int) -> Iterator[list[Message]]:
    page: list[Message] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def _begin(start: Start) -> Campaign | None:
    """The campaign to fan out, now `sending`; None when this start message has nothing to do."""
    campaign = repository.get(start.community_id, start.campaign_id)
    if campaign is None:
        return None
    if campaign.status == CampaignStatus.SCHEDULED:
        if start.token is None or start.token != campaign.schedule_token:
            logger.info("stale schedule firing ignored", extra={"campaign_id": campaign.id})
            return None
        if not repository.transition(campaign, CampaignStatus.SENDING, from_statuses=(CampaignStatus.SCHEDULED,),
                                     sets={"started_at": clock.iso(), "schedule_token": None},
                                     schedule_token=start.token):
            return None
        campaign = repository.get(start.community_id, start.campaign_id)
    if campaign is None or campaign.status != CampaignStatus.SENDING or campaign.fanout_done:
        return None
    return campaign


def _fail(campaign: Campaign, reason: str) -> None:
    logger.warning("campaign failed", extra={"campaign_id": campaign.id, "reason": reason})
    repository.transition(campaign, CampaignStatus.FAILED, from_statuses=(CampaignStatus.SENDING,), hold=-1,
                          sets={"finished_at": clock.iso(), "failure_reason": reason})


def _recipient_pages(campaign: Campaign, category: Category, version: int, after: str | None,
                     ) -> Iterator[tuple[list[Message], int, str]]:
    """The campaign's recipients as queued messages, in resident id order after `after`, a page at a time:
    (messages, residents skipped for having no address, the page's last resident id)."""
    at = campaign.started_at or clock.iso()
    page: list[Message] = []
    no_address = 0
    last = after or ""
    for resident in audiences.resolve(campaign.community_id, campaign.audience):
        if after is not None and resident.id <= after:
            continue
        last = resident.id
        address = audiences.address_of(resident, campaign.channel)
        if not address:
            no_address += 1
        else:
            page.append(_message(campaign, resident, address, category, version, at))
        if len(page) == SNAPSHOT_PAGE:
            yield page, no_address, last
            page, no_address = [], 0
    if page or no_address:
        yield page, no_address, last


def _enqueue_written(campaign: Campaign) -> CampaignStatus | None:
    """A fan-out begun before chunks carried their recipients: its messages are written, so enqueue
    chunks of their ids (read back by key prefix), resuming after the checkpoint."""
    previous = campaign.fanout_cursor
    for ids, after in messages.campaign_message_ids(campaign.community_id, campaign.id, previous):
        chunks.enqueue(chunks.split(campaign.community_id, campaign.id, ids))
        if not repository.checkpoint(campaign, previous=previous, cursor=after, enqueued=len(ids),
                                     channel=campaign.channel):
            logger.info("another fan-out of this campaign is ahead; stopping", extra={"campaign_id": campaign.id})
            return None
        previous = after
    return repository.complete(campaign.community_id, campaign.id)


def run(start: Start) -> CampaignStatus | None:
    """Fan one campaign out (or resume it); the campaign's status when this run ends it, else None."""
    campaign = _begin(start)
    if campaign is None:
        return None
    if campaign.snapshot_done:
        return _enqueue_written(campaign)
    template = templates.get(campaign.community_id, campaign.template_id)
    if template is None:
        _fail(campaign, "the template was deleted")
        return CampaignStatus.FAILED
    previous = campaign.fanout_cursor
    after = str(previous["after_resident"]) if previous and "after_resident" in previous else None
    enqueued = campaign.counts["recipients"]
    try:
        for page, no_address, last in _recipient_pages(campaign, template.category, template.version, after):
            # The chunks carry the snapshot (nothing is written per recipient); half-size ones first.
            chunks.enqueue(chunks.pack(page, chunks.size_after(enqueued)))
            cursor = {"after_resident": last}
            if not repository.checkpoint(campaign, previous=previous, cursor=cursor, enqueued=len(page),
                                         channel=campaign.channel, no_address=no_address):
                logger.info("another fan-out of this campaign is ahead; stopping", extra={"campaign_id": campaign.id})
                return None
            previous, enqueued = cursor, enqueued + len(page)
    except audiences.AudienceGone:
        _fail(campaign, "the audience's segment was deleted")
        return CampaignStatus.FAILED
    if enqueued == 0:
        _fail(campaign, "the audience has no one with an address for this channel")
        return CampaignStatus.FAILED
    if not repository.checkpoint(campaign, previous=previous, cursor=None, enqueued=0, channel=campaign.channel,
                                 template_version=template.version):
        return None
    logger.info("campaign fanned out", extra={"campaign_id": campaign.id, "recipients": enqueued})
    return repository.complete(campaign.community_id, campaign.id)
