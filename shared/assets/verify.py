"""The upload verifier: an object arrived under `communities/{cid}/assets/{aid}/...`; is it what was declared?

Ready when its real size is the declared size and its bytes are of the declared type
(`shared.uploads.sniff`); otherwise rejected and the object deleted. The check is made on the
object as it is now (HEAD's ETag), so it is idempotent and order-free:

- the same object seen again (event delivered twice): nothing changes, the object is untagged again;
- a different object under a ready asset's key (the presigned POST was used twice): checked again;
- a rejected asset's key: whatever is there is deleted again;
- no record for the key (deleted, abandoned and expired, or never announced): the object is deleted;
- no object (deleted meanwhile): nothing to do.

The verdict is written conditionally on the status and ETag read, so concurrent deliveries cannot
both decide; the loser raises `Raced` and its record comes back later, to find the verdict made.
"""

from __future__ import annotations

from shared.assets import repository
from shared.assets.models import Asset, Status
from shared.platform.observability import logger
from shared.uploads import sniff, store
from shared.uploads.notifications import ObjectCreated
from shared.uploads.store import StoredObject


class Raced(Exception):
    """Another delivery changed the asset between our read and our verdict: try the record again."""


def _mismatch(asset: Asset, stored: StoredObject) -> str | None:
    if stored.size != asset.size:
        return f"the file has {stored.size} bytes, {asset.size} were declared"
    head = store.read_start(stored.key, sniff.HEAD_BYTES)
    return sniff.mismatch(asset.content_type, head, lambda: store.chunks(stored.key))


def on_object_created(event: ObjectCreated) -> None:
    parts = event.parts
    if parts is None:  # notifications.worker only passes upload keys
        return
    asset = repository.get(parts.community_id, parts.object_id)
    if asset is None or asset.object_key != event.key:
        logger.warning("object has no asset; deleted", extra={"asset_id": parts.object_id})
        store.delete(event.key)
        return
    if asset.status == Status.REJECTED:
        store.delete(event.key)
        return
    stored = store.head(event.key)
    if stored is None:
        return
    if asset.status == Status.READY and stored.etag == asset.etag:
        store.untag(event.key)
        return
    reason = _mismatch(asset, stored)
    status = Status.READY if reason is None else Status.REJECTED
    if status == Status.READY:
        store.untag(event.key)  # before the verdict: a ready asset's object never expires
    if not repository.decide(asset, status=status, size=stored.size, etag=stored.etag, reason=reason):
        raise Raced(asset.id)
    if status == Status.REJECTED:
        store.delete(event.key)  # after the verdict: a retry finds it rejected and deletes again
    logger.info("upload checked", extra={"asset_id": asset.id, "ready": reason is None, "reason": reason,
                                         "content_type": asset.content_type,
                                         "size": stored.size})
