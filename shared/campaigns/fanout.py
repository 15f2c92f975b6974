"""A campaign's fan-out: from one start message to chunks of recipients on the outbox queue.

1. Start: a scheduled campaign moves to `sending` only if the firing carries its current schedule
   token (a cancelled or rescheduled campaign ignores a stale firing); a campaign sent "now" is
   already `sending`.
2. Snapshot: the audience is resolved once and every recipient's message written (BatchWriteItem,
   25 a call) with their template variables as they are now, so later edits to residents do not
   change who gets it or what it says. Message ids are `{campaign}-{resident}`: a crashed snapshot
   simply writes the same items again (none is on the queue yet, so nothing can be clobbered).
3. Enqueue: the campaign's messages are read back by key prefix (ids only) and put on the outbox
   queue in chunks of `chunks.CHUNK_SIZE` ids (SendMessageBatch, 10 chunks a call). After each
   page a checkpoint (one transaction) records where to resume and counts the page as recipients.
   A crash re-enqueues at most one page; the delivery worker's claims make that harmless.
4. Completion is detected from the counters (`repository.complete`), by whoever moves the last
   recipient out of `queued`: the delivery worker, a provider event, or the fan-out itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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

SNAPSHOT_PAGE = 1000  # messages written between two looks at the clock (BatchWriteItem does 25 a call)


@dataclass(frozen=True)
class Start:
    community_id: str
    campaign_id: str
    token: str | None  # the schedule's token; None when sent "now"


def parse(body: str) -> Start:
    data: Any = json.loads(body)
    token = data.get("token")
    return Start(str(data["community_id"]), str(data["campaign_id"]), str(token) if token else None)


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


def _snapshot(campaign: Campaign, category: Category, version: int) -> int | None:
    """Write every recipient's message; how many (None when the segment is gone)."""
    at = campaign.started_at or clock.iso()
    no_address = 0

    def recipients() -> Iterator[Message]:
        nonlocal no_address
        for resident in audiences.resolve(campaign.community_id, campaign.audience):
            address = audiences.address_of(resident, campaign.channel)
            if not address:
                no_address += 1
                continue
            yield _message(campaign, resident, address, category, version, at)

    written = 0
    try:
        for page in _pages(recipients(), SNAPSHOT_PAGE):
            messages.create_many(page)
            written += len(page)
    except audiences.AudienceGone:
        return None
    repository.mark_snapshot(campaign, template_version=version, no_address=no_address)
    return written


def run(start: Start) -> CampaignStatus | None:
    """Fan one campaign out (or resume it); the campaign's status when this run ends it, else None."""
    campaign = _begin(start)
    if campaign is None:
        return None
    if not campaign.snapshot_done:
        template = templates.get(campaign.community_id, campaign.template_id)
        if template is None:
            _fail(campaign, "the template was deleted")
            return CampaignStatus.FAILED
        written = _snapshot(campaign, template.category, template.version)
        if written is None:
            _fail(campaign, "the audience's segment was deleted")
            return CampaignStatus.FAILED
        if written == 0:
            _fail(campaign, "the audience has no one with an address for this channel")
            return CampaignStatus.FAILED
    previous = campaign.fanout_cursor
    for ids, after in messages.campaign_message_ids(campaign.community_id, campaign.id, previous):
        chunks.enqueue(chunks.split(campaign.community_id, campaign.id, ids))
        if not repository.checkpoint(campaign, previous=previous, cursor=after, enqueued=len(ids),
                                     channel=campaign.channel):
            logger.info("another fan-out of this campaign is ahead; stopping", extra={"campaign_id": campaign.id})
            return None
        previous = after
    logger.info("campaign fanned out", extra={"campaign_id": campaign.id})
    return repository.complete(campaign.community_id, campaign.id)
