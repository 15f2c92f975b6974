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
from shared.campaigns.models import EDITABLE, Campaign, CampaignStatus
from shared.messaging import counters
from shared.messaging import repository as messages
from shared.messaging.counters import CountersItem
from shared.messaging.models import Message, MessageStatus
from shared.messaging.repository import Cancelled, transact
from shared.platform import clock, db, keys
from shared.platform.channels import Channel
from shared.platform.mapping import to_item, to_model
from shared.templates.items import TemplateItem

_CONDITION_FAILED = "ConditionalCheckFailedException"


def _cursor(cursor: dict[str, Any] | None) -> str | None:
    """The stored text of a fan-out cursor: `checkpoint` compares it as text, so only this writes it."""
    return json.dumps(cursor) if cursor else None


def _campaign(item: CampaignItem) -> Campaign:
    return to_model(Campaign, item, json_fields=("audience", "fanout_cursor"), ordered_json=("variables",),
                    counts=counters.read(item))


def _item(campaign: Campaign) -> CampaignItem:
    return to_item(CampaignItem, campaign, keys.campaign(campaign.community_id, campaign.id),
                   json_fields=("audience",), ordered_json=("variables",), exclude=("counts", "fanout_cursor"),
                   fanout_cursor=_cursor(campaign.fanout_cursor))


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
               enqueued: int, channel: Channel, no_address: int = 0, template_version: int | None = None) -> bool:
    """Record that `enqueued` more recipients are on the queue (resume after `cursor`), counting them
    as recipients of the campaign and of its day in one transaction. False when another fan-out of
    the same campaign got here first (its checkpoint moved): then this one stops."""
    db.bind()
    previous_json = _cursor(previous)
    moved = CampaignItem.fanout_cursor.does_not_exist() if previous_json is None else (
        CampaignItem.fanout_cursor == previous_json)
    actions: list[Any] = [*counters.add_actions(counters.created(enqueued)), CampaignItem.updated_at.set(clock.iso())]
    cursor_text = _cursor(cursor)
    actions.append(CampaignItem.fanout_done.set(True) if cursor_text is None else
                   CampaignItem.fanout_cursor.set(cursor_text))
    if no_address:
        actions.append(CampaignItem.no_address.add(no_address))
    if template_version is not None:
        actions.append(CampaignItem.template_version.set(template_version))
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
    return _complete(get(community_id, campaign_id))


def chunk_done(community_id: str, campaign_id: str) -> CampaignStatus | None:
    """A chunk of the campaign has nothing left: one UpdateItem (ADD, returning the item as it is now,
    counters included: the chunk's own outcomes were written before) tells whether every recipient is
    out of `queued`; the chunk that sees it completes the campaign. No read per chunk."""
    db.bind()
    item = CampaignItem(*keys.campaign(community_id, campaign_id))
    try:
        item.update(actions=[CampaignItem.chunks_done.add(1)], condition=CampaignItem.pk.exists())
    except UpdateError as error:
        if _failed(error):
            return None  # the campaign is gone
        raise
    return _complete(_campaign(item))  # PynamoDB refreshes the item from the update's ALL_NEW answer


def _complete(campaign: Campaign | None) -> CampaignStatus | None:
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
    return messages.campaign_messages(community_id, campaign_id, after=after, limit=limit, status=status)


def daily_counters(community_id: str, start: str, end: str) -> Iterator[tuple[str, dict[str, int]]]:
    """(channel, counts) of each of the community's day × channel counter items from `start` to `end`
    (ISO dates, inclusive): one Query over the range."""
    db.bind()
    pk, _ = keys.daily_stats(community_id, start, "")
    for item in CountersItem.query(pk, CountersItem.sk.between(start, f"{end}#~")):
        yield str(item.sk).split("#", 1)[1], counters.read(item)
