"""Asset storage: `C#{cid}` / `ASSET#{aid}`, and in gsi1 by folder (`C#{cid}#ASSETFOLDER#{folder}` / aid).

Ids are ULIDs, so both orders are newest-last and lists read them backwards. A pending asset
carries `ttl` (DynamoDB deletes it a day after it was announced unless the upload completed);
deciding its status removes the `ttl`. Status changes are conditional on the status read, so two
deliveries of the same S3 event cannot both decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.pagination import ResultIterator

from shared.assets.models import Asset, Status, Visibility
from shared.platform import clock, db, keys
from shared.platform.db import BaseItem
from shared.platform.mapping import to_item, to_model

SK_PREFIX = "ASSET#"
_CONDITION_FAILED = "ConditionalCheckFailedException"
MAX_READS_PER_PAGE = 10  # filtered lists read at most this many DynamoDB pages per API page
READ_PAGE_SIZE = 200  # items evaluated per read (before filters); the page stops at `limit` matches


class AssetItem(BaseItem, discriminator="asset"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    folder = UnicodeAttribute(default="")
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    visibility = UnicodeAttribute()
    status = UnicodeAttribute()
    object_key = UnicodeAttribute()
    etag = UnicodeAttribute(null=True)
    rejection_reason = UnicodeAttribute(null=True)
    uploaded_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


_RENAMES = {"expires_at": "ttl"}  # a pending upload expires by the table's TTL


def _asset(item: AssetItem) -> Asset:
    return to_model(Asset, item, renames=_RENAMES)


def _item(asset: Asset) -> AssetItem:
    return to_item(AssetItem, asset, keys.asset(asset.community_id, asset.id), renames=_RENAMES,
                   gsi1pk=keys.assets_in_folder(asset.community_id, asset.folder), gsi1sk=asset.id)


def _failed(error: UpdateError | DeleteError) -> bool:
    return error.cause_response_code == _CONDITION_FAILED


def create(asset: Asset) -> None:
    db.bind()
    _item(asset).save(condition=AssetItem.pk.does_not_exist())


def get(community_id: str, asset_id: str) -> Asset | None:
    db.bind()
    try:
        return _asset(AssetItem.get(*keys.asset(community_id, asset_id), consistent_read=True))
    except DoesNotExist:
        return None


def update_metadata(asset: Asset) -> bool:
    """Store name, folder, tags and visibility (and the folder index); False when the asset is gone."""
    db.bind()
    item = AssetItem(*keys.asset(asset.community_id, asset.id))
    try:
        item.update(
            actions=[
                AssetItem.name.set(asset.name),
                AssetItem.folder.set(asset.folder),
                AssetItem.tags.set(list(asset.tags)),  # type: ignore[arg-type]  # stubs want attributes
                AssetItem.visibility.set(str(asset.visibility)),
                AssetItem.gsi1pk.set(keys.assets_in_folder(asset.community_id, asset.folder)),
                AssetItem.updated_at.set(asset.updated_at),
            ],
            condition=AssetItem.pk.exists(),
        )
    except UpdateError as error:
        if _failed(error):
            return False
        raise
    return True


def decide(asset: Asset, *, status: Status, size: int, etag: str, reason: str | None) -> bool:
    """Record the verifier's verdict, if the asset is still as it was read (status and etag).

    The `ttl` goes: a decided asset is never cleaned up as an abandoned upload. False when someone
    else decided (or deleted it) meanwhile.
    """
    db.bind()
    item = AssetItem(*keys.asset(asset.community_id, asset.id))
    condition = AssetItem.pk.exists() & (AssetItem.status == str(asset.status))
    condition &= AssetItem.etag.does_not_exist() if asset.etag is None else (AssetItem.etag == asset.etag)
    actions: list[Action] = [
        AssetItem.status.set(str(status)),
        AssetItem.size.set(size),
        AssetItem.etag.set(etag),
        AssetItem.updated_at.set(clock.iso()),
        AssetItem.ttl.remove(),
        AssetItem.rejection_reason.set(reason) if reason else AssetItem.rejection_reason.remove(),
    ]
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if _failed(error):
            return False
        raise
    return True


def delete(community_id: str, asset_id: str) -> bool:
    db.bind()
    try:
        AssetItem(*keys.asset(community_id, asset_id)).delete(condition=AssetItem.pk.exists())
    except DeleteError as error:
        if _failed(error):
            return False
        raise
    return True


@dataclass(frozen=True)
class Filters:
    folder: str | None = None  # exact folder; None: every folder
    tag: str | None = None
    visibilities: frozenset[Visibility] | None = None  # None: all
    ready_only: bool = False


def _filter(filters: Filters, now: int) -> Condition:
    # A pending asset past its `ttl` is abandoned; DynamoDB deletes it later, lists hide it now.
    condition: Condition = AssetItem.ttl.does_not_exist() | (AssetItem.ttl > now)
    if filters.tag is not None:
        condition &= AssetItem.tags.contains(filters.tag)
    if filters.visibilities is not None:
        condition &= AssetItem.visibility.is_in(*sorted(str(v) for v in filters.visibilities))
    if filters.ready_only:
        condition &= AssetItem.status == str(Status.READY)
    return condition


def _key_of(item: AssetItem, by_folder: bool) -> dict[str, Any]:
    """The LastEvaluatedKey a query would give after `item` (so the next page starts right after it)."""
    key = {"pk": {"S": item.pk}, "sk": {"S": item.sk}}
    if by_folder:
        key |= {"gsi1pk": {"S": item.gsi1pk}, "gsi1sk": {"S": item.gsi1sk}}
    return key


def page(community_id: str, filters: Filters, *, limit: int,
         after: dict[str, Any] | None) -> tuple[list[Asset], dict[str, Any] | None]:
    """Newest first, up to `limit` matching assets, reading at most MAX_READS_PER_PAGE DynamoDB pages.

    Filters apply after the read, so a page may need several reads; when the read budget runs out
    the page is shorter and still carries a cursor.
    """
    db.bind()
    condition = _filter(filters, clock.epoch())
    by_folder = filters.folder is not None
    found: list[Asset] = []
    start = after
    for _ in range(MAX_READS_PER_PAGE):
        result: ResultIterator[Any]  # gsi1 is typed for BaseItem; the items are AssetItems
        if by_folder:
            result = AssetItem.gsi1.query(keys.assets_in_folder(community_id, filters.folder or ""),
                                          filter_condition=condition, page_size=READ_PAGE_SIZE,
                                          last_evaluated_key=start, scan_index_forward=False)
        else:
            result = AssetItem.query(keys.community_pk(community_id), AssetItem.sk.startswith(SK_PREFIX),
                                     filter_condition=condition, page_size=READ_PAGE_SIZE,
                                     last_evaluated_key=start, scan_index_forward=False)
        raw = next(result.page_iter)
        for data in raw.get("Items", []):
            item = AssetItem.from_raw_data(data)
            found.append(_asset(item))
            if len(found) == limit:
                more = result.page_iter.last_evaluated_key is not None or data is not raw["Items"][-1]
                return found, _key_of(item, by_folder) if more else None
        start = result.page_iter.last_evaluated_key
        if start is None:
            return found, None
    return found, start
