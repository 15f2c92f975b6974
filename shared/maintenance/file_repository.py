"""Attachment storage: `C#{cid}` / `WOFILE#{id}`, and on GSI1 per order (`C#{cid}#WO#{order id}#FILES` / id).

The verifier finds an attachment by the ids in its object key (GetItem, consistent); an order's
attachments are one index range, oldest first. A pending attachment carries `ttl` (DynamoDB deletes
it a day after it was announced unless its upload was decided); the verdict removes the `ttl` and is
written on condition of the status and ETag read, so two deliveries of one S3 event cannot both decide.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shared.maintenance import repository as orders
from shared.maintenance.files import Attachment, Status
from shared.maintenance.items import WorkOrderEventItem, WorkOrderFileItem
from shared.maintenance.orders import OrderEvent
from shared.platform import clock, db, keys
from shared.platform.mapping import to_item, to_model

_CONDITION_FAILED = "ConditionalCheckFailedException"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


_RENAMES = {"expires_at": "ttl"}  # a pending upload expires by the table's TTL


def _attachment(item: WorkOrderFileItem) -> Attachment:
    return to_model(Attachment, item, renames=_RENAMES)


def _item(attachment: Attachment) -> WorkOrderFileItem:
    return to_item(WorkOrderFileItem, attachment, keys.work_order_file(attachment.community_id, attachment.id),
                   renames=_RENAMES, gsi1pk=keys.work_order_files(attachment.community_id, attachment.work_order_id),
                   gsi1sk=attachment.id)


def create(attachment: Attachment, event: OrderEvent) -> None:
    """The pending attachment with its order's event, in one transaction (both new)."""
    db.bind()
    with TransactWrite(connection=db.connection()) as tx:
        tx.save(_item(attachment), condition=WorkOrderFileItem.pk.does_not_exist())
        tx.save(orders.event_item(attachment.community_id, event), condition=WorkOrderEventItem.pk.does_not_exist())


def get(community_id: str, attachment_id: str) -> Attachment | None:
    db.bind()
    try:
        return _attachment(WorkOrderFileItem.get(*keys.work_order_file(community_id, attachment_id),
                                                 consistent_read=True))
    except DoesNotExist:
        return None


def of_order(community_id: str, work_order_id: str) -> list[Attachment]:
    """Oldest first, abandoned uploads left out (DynamoDB deletes them later; lists hide them now).
    At most MAX_PER_ORDER live ones plus rejected ones: one or two index pages."""
    db.bind()
    now = clock.epoch()
    found: Any = WorkOrderFileItem.gsi1.query(keys.work_order_files(community_id, work_order_id),
                                              filter_condition=WorkOrderFileItem.ttl.does_not_exist()
                                              | (WorkOrderFileItem.ttl > now))
    return [_attachment(item) for item in found if isinstance(item, WorkOrderFileItem)]


def decide(attachment: Attachment, *, status: Status, size: int, etag: str, reason: str | None,
           has_thumbnail: bool) -> bool:
    """Record the verifier's verdict if the attachment is still as it was read (pending, no ETag).
    The `ttl` goes: a decided attachment is never cleaned up as an abandoned upload. False when someone
    else decided (or it vanished) meanwhile."""
    db.bind()
    item = WorkOrderFileItem(*keys.work_order_file(attachment.community_id, attachment.id))
    condition = WorkOrderFileItem.pk.exists() & (WorkOrderFileItem.status == str(attachment.status))
    condition &= WorkOrderFileItem.etag.does_not_exist() if attachment.etag is None \
        else (WorkOrderFileItem.etag == attachment.etag)
    actions: list[Action] = [
        WorkOrderFileItem.status.set(str(status)),
        WorkOrderFileItem.size.set(size),
        WorkOrderFileItem.etag.set(etag),
        WorkOrderFileItem.has_thumbnail.set(has_thumbnail),
        WorkOrderFileItem.updated_at.set(_iso(clock.now())),
        WorkOrderFileItem.ttl.remove(),
        WorkOrderFileItem.rejection_reason.set(reason) if reason else WorkOrderFileItem.rejection_reason.remove(),
    ]
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True
