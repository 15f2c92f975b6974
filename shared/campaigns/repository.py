"""Campaign storage: conditional transitions, the fan-out checkpoints and completion.

Every transition names the statuses it may start from, so two callers racing (a schedule firing
while an admin cancels) cannot both win. Transitions that take or release the template hold
(`in_use`) do it in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from shared.campaigns.items import CampaignItem
from shared.campaigns.models import EDITABLE, Audience, Campaign, CampaignStatus
from shared.messaging import counters
from shared.messaging import repository as messages
from shared.messaging.counters import CountersItem
from shared.messaging.items import MessageItem
from shared.messaging.models import Message, MessageStatus
from shared.messaging.repository import Cancelled, transact
from shared.platform import clock, db, keys
from shared.platform.channels import Channel
from shared.templates.items import TemplateItem

_CONDITION_FAILED = "ConditionalCheckFailedException"


def _campaign(item: CampaignItem) -> Campaign:
    return Campaign(
        id=item.id, community_id=item.community_id, name=item.name, channel=Channel(item.channel),
        template_id=item.template_id, audience=Audience.model_validate_json(item.audience),
        variables=json.loads(item.variables or "{}"), status=CampaignStatus(item.status), send_at=item.send_at,
        schedule_token=item.schedule_token,
        template_version=int(item.template_version) if item.template_version is not None else None,
        started_at=item.started_at, finished_at=item.finished_at, failure_reason=item.failure_reason,
        snapshot_done=bool(item.snapshot_done),
        fanout_cursor=json.loads(item.fanout_cursor) if item.fanout_cursor else None,
        fanout_done=bool(item.fanout_done), no_address=int(item.no_address or 0), counts=counters.read(item),
        created_by=item.created_by, created_at=item.created_at, updated_at=item.updated_at,
        version=int(item.version or 1),
    )


def _item(campaign: Campaign) -> CampaignItem:
    return CampaignItem(
        *keys.campaign(campaign.community_id, campaign.id),
        id=campaign.id, community_id=campaign.community_id, name=campaign.name, channel=str(campaign.channel),
        template_id=campaign.template_id, audience=campaign.audience.model_dump_json(exclude_none=True),
        variables=json.dumps(campaign.variables, default=str), status=str(campaign.status),
        send_at=campaign.send_at, schedule_token=campaign.schedule_token,
        template_version=campaign.template_version, started_at=campaign.started_at,
        finished_at=campaign.finished_at, failure_reason=campaign.failure_reason,
        snapshot_done=campaign.snapshot_done,
        fanout_cursor=json.dumps(campaign.fanout_cursor) if campaign.fanout_cursor else None,
        fanout_done=campaign.fanout_done, no_address=campaign.no_address, created_by=campaign.created_by,
        created_at=campaign.created_at, updated_at=campaign.updated_at, version=campaign.version,
    )


def _failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) in (_CONDITION_FAILED, "TransactionCanceledException")


def _in(*statuses: CampaignStatus) -> Condition:
    return CampaignItem.status.is_in(*[str(s) for s in statuses])


def create(campaign: Campaign) -> None:
    db.bind()
    _item(campaign).save(condition=CampaignItem.pk.does_not_exist())


def get(community_id: str, campaign_id: str) -> Campaign | None:
    db.bind()
    try:
        return _campaign(CampaignItem.get(*keys.campaign(community_id, campaign_id), consistent_read=True))
    except DoesNotExist:
        return None


def page(community_id: str, *, limit: int, after: dict[str, Any] | None, status: CampaignStatus | None = None,
         ) -> tuple[list[Campaign], dict[str, Any] | None]:
    """Newest first (ULID ids)."""
    db.bind()
    result = CampaignItem.query(
        keys.community_pk(community_id), CampaignItem.sk.startswith(keys.CAMPAIGN_PREFIX), limit=limit,
        last_evaluated_key=after, scan_index_forward=False,
        filter_condition=(CampaignItem.status == str(status)) if status else None,
    )
    return [_campaign(i) for i in result], result.last_evaluated_key


def replace(campaign: Campaign, *, expected_version: int) -> bool:
    """Save an edit (draft/scheduled only, no concurrent edit in between)."""
    db.bind()
    try:
        _item(campaign).save(condition=(CampaignItem.version == expected_version) & _in(*EDITABLE))
    except PutError as error:
        if _failed(error):
            return False
        raise
    return True


def _template_hold(tx: TransactWrite, campaign: Campaign, delta: int) -> None:
    item = TemplateItem(*keys.template(campaign.community_id, campaign.template_id))
    condition = TemplateItem.pk.exists() if delta > 0 else TemplateItem.in_use >= -delta
    tx.update(item, actions=[TemplateItem.in_use.add(delta)], condition=condition)


def transition(campaign: Campaign, to: CampaignStatus, *, from_statuses: tuple[CampaignStatus, ...],
               sets: Mapping[str, Any] | None = None, hold: int = 0, version: int | None = None,
               schedule_token: str | None = None, extra: Condition | None = None) -> bool:
    """Move the campaign to `to` from one of `from_statuses`, setting `sets` (attribute → value, None
    removes) and taking (+1) or releasing (-1) its template hold in the same transaction. With `version`
    only if nobody changed the campaign since it was read at that version; with `schedule_token` only
    if that schedule is still the campaign's. False when a condition failed (nothing written)."""
    db.bind()
    actions: list[Any] = [CampaignItem.status.set(str(to)), CampaignItem.updated_at.set(clock.iso()),
                          CampaignItem.version.add(1)]
    for name, value in (sets or {}).items():
        attribute = getattr(CampaignItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    condition = _in(*from_statuses)
    if version is not None:
        condition = condition & (CampaignItem.version == version)
    if schedule_token is not None:
        condition = condition & (CampaignItem.schedule_token == schedule_token)
    if extra is not None:
        condition = condition & extra
    item = CampaignItem(*keys.campaign(campaign.community_id, campaign.id))
    try:
        if hold:
            def build(tx: TransactWrite) -> None:
                tx.update(item, actions=actions, condition=condition)
                _template_hold(tx, campaign, hold)

            transact(build)
        else:
            item.update(actions=actions, condition=condition)
    except Cancelled:
        return False  # a condition failed (or the template hold could not move): nothing was written
    except UpdateError as error:
        if _failed(error):
            return False
        raise
    return True


def delete(campaign: Campaign) -> bool:
    """Delete a draft or scheduled campaign (a scheduled one releases its template hold)."""
    db.bind()
    item = CampaignItem(*keys.campaign(campaign.community_id, campaign.id))
    try:
        if campaign.status == CampaignStatus.SCHEDULED:
            def build(tx: TransactWrite) -> None:
                tx.delete(item, condition=CampaignItem.status == str(CampaignStatus.SCHEDULED))
                _template_hold(tx, campaign, -1)

            transact(build)
        else:
            item.delete(condition=CampaignItem.status == str(CampaignStatus.DRAFT))
    except Cancelled:
        return False
    except DeleteError as error:
        if _failed(error):
            return False
        raise
    return True


# --- fan-out ------------------------------------------------------------------------------------


def mark_snapshot(campaign: Campaign, *, template_version: int, no_address: int) -> bool:
    db.bind()
    item = CampaignItem(*keys.campaign(campaign.community_id, campaign.id))
    try:
        item.update(actions=[CampaignItem.snapshot_done.set(True), CampaignItem.template_version.set(template_version),
                             CampaignItem.no_address.set(no_address), CampaignItem.updated_at.set(clock.iso())],
                    condition=_in(CampaignStatus.SENDING) & (CampaignItem.snapshot_done == False))  # noqa: E712
    except UpdateError as error:
        if _failed(error):
            return False
        raise
    return True


def checkpoint(campaign: Campaign, *, previous: dict[str, Any] | None, cursor: dict[str, Any] | None,
               enqueued: int, channel: Channel) -> bool:
    """Record that `enqueued` more recipients are on the queue (resume after `cursor`), counting them
    as recipients of the campaign and of its day in one transaction. False when another fan-out of
    the same campaign got here first (its checkpoint moved): then this one stops."""
    db.bind()
    previous_json = json.dumps(previous) if previous else None
    moved = CampaignItem.fanout_cursor.does_not_exist() if previous_json is None else (
        CampaignItem.fanout_cursor == previous_json)
    actions: list[Any] = [*counters.add_actions(counters.created(enqueued)), CampaignItem.updated_at.set(clock.iso())]
    actions.append(CampaignItem.fanout_cursor.set(json.dumps(cursor)) if cursor else CampaignItem.fanout_done.set(True))
    day = keys.daily_stats(campaign.community_id, (campaign.started_at or clock.iso())[:10], str(channel))

    def build(tx: TransactWrite) -> None:
        tx.update(CampaignItem(*keys.campaign(campaign.community_id, campaign.id)), actions=actions,
                  condition=_in(CampaignStatus.SENDING) & moved)
        if enqueued:
            tx.update(CountersItem(*day), actions=[*counters.add_actions(counters.created(enqueued)),
                                                   CountersItem.type.set(CountersItem)])

    try:
        transact(build)
    except Cancelled:
        return False
    return True


def complete(community_id: str, campaign_id: str) -> CampaignStatus | None:
    """`sending` → `sent` once every recipient is out of `queued` (the counters say so: no scan),
    or `failed` when none of them could be sent. The one caller that wins also releases the
    template hold, in the same transaction. Returns the new status, or None (not done yet, or done)."""
    campaign = get(community_id, campaign_id)
    if campaign is None or campaign.status != CampaignStatus.SENDING or not campaign.fanout_done:
        return None
    counts = campaign.counts
    if counts["queued"] != 0:
        return None
    reached = sum(counts[k] for k in ("sent", "delivered", "bounced", "complained"))
    outcome = CampaignStatus.SENT if reached or not counts["recipients"] else CampaignStatus.FAILED
    reason = None if outcome == CampaignStatus.SENT else "no recipient could be sent the message"
    done = transition(campaign, outcome, from_statuses=(CampaignStatus.SENDING,), hold=-1,
                      sets={"finished_at": clock.iso(), "failure_reason": reason},
                      extra=(CampaignItem.queued == 0) & (CampaignItem.fanout_done == True))  # noqa: E712
    return outcome if done else None


def recipients_page(community_id: str, campaign_id: str, *, status: MessageStatus | None,
                    after: dict[str, Any] | None, limit: int) -> tuple[list[Message], dict[str, Any] | None]:
    """A page of the campaign's messages (one per recipient), only those in `status` when given."""
    condition = (MessageItem.status == str(status)) if status else None
    return messages.campaign_messages(community_id, campaign_id, after=after, limit=limit,
                                      filter_condition=condition)


def daily_counters(community_id: str, start: str, end: str) -> Iterator[tuple[str, dict[str, int]]]:
    """(channel, counts) of each of the community's day × channel counter items from `start` to `end`
    (ISO dates, inclusive): one Query over the range."""
    db.bind()
    pk, _ = keys.daily_stats(community_id, start, "")
    for item in CountersItem.query(pk, CountersItem.sk.between(start, f"{end}#~")):
        yield str(item.sk).split("#", 1)[1], counters.read(item)
