"""The upload verifier: an object arrived under `communities/{cid}/assets/{aid}/...`; is it what was declared?

Ready when its real size is the declared size and its bytes are of the declared type
(`shared.uploads.sniff`); otherwise rejected. An upload is verified once (issue 17):

- only a `pending` asset is decided, on the object as it is now (HEAD's ETag); the bytes are read
  and, when accepted, copied to the asset's verified key (`objects.verified_key`) pinned to that
  ETag, so a re-post in between cannot slip other bytes into the check or the copy (`Raced`);
- downloads serve only that verified copy, which no presigned POST can name: unverified bytes
  are never downloadable, and the upload object itself is deleted once decided;
- after the decision (ready or rejected) anything posted under the upload key again, while its
  presigned POST is still valid, is deleted unread; the asset does not change.
- no record for the key (deleted, abandoned and expired, or never announced): the object is deleted;
- no object (deleted meanwhile): nothing to do.

The verdict is written conditionally on the status and ETag read, so concurrent deliveries cannot
both decide; the loser raises `Raced` and its record comes back later, to find the verdict made.
"""

from __future__ import annotations

from contextlib import suppress

from shared.assets import repository
from shared.assets.models import Asset, Status
from shared.platform.observability import logger
from shared.uploads import sniff, store
from shared.uploads.notifications import ObjectCreated
from shared.uploads.objects import verified_key
from shared.uploads.store import StoredObject


class Raced(Exception):
    """Another delivery or upload changed the asset or its object between our read and our verdict:
    try the record again."""


def _mismatch(asset: Asset, stored: StoredObject) -> str | None:
    if stored.size != asset.size:
        return f"the file has {stored.size} bytes, {asset.size} were declared"
    head = store.read_start(stored.key, sniff.HEAD_BYTES, etag=stored.etag)
    return sniff.mismatch(asset.content_type, head, lambda: store.chunks(stored.key, etag=stored.etag))


def _after_the_decision(asset: Asset, event: ObjectCreated) -> None:
    """The asset was decided: whatever is under its upload key now is not looked at, only removed
    (with a verified copy a lost race may have left for another ETag)."""
    store.delete(event.key)
    seen = event.etag.strip('"')
    if seen and seen != asset.etag:
        logger.warning("upload after the asset was decided; deleted unread",
                       extra={"asset_id": asset.id, "status": str(asset.status)})
        with suppress(ValueError):
            store.delete(verified_key(event.key, seen))


def on_object_created(event: ObjectCreated) -> None:
    parts = event.parts
    if parts is None:  # notifications.worker only passes upload keys
        return
    asset = repository.get(parts.community_id, parts.object_id)
    if asset is None or asset.object_key != event.key:
        logger.warning("object has no asset; deleted", extra={"asset_id": parts.object_id})
        store.delete(event.key)
        return
    if asset.status != Status.PENDING:
        _after_the_decision(asset, event)
        return
    stored = store.head(event.key)
    if stored is None:
        return
    try:
        reason = _mismatch(asset, stored)
        if reason is None:  # before the verdict: a ready asset always has its verified copy
            store.copy(event.key, verified_key(event.key, stored.etag), etag=stored.etag)
    except store.Changed as changed:  # re-posted while we read: decide on the newest object instead
        raise Raced(asset.id) from changed
    status = Status.READY if reason is None else Status.REJECTED
    if not repository.decide(asset, status=status, size=stored.size, etag=stored.etag, reason=reason):
        raise Raced(asset.id)
    store.delete(event.key)  # after the verdict: a retry finds it decided and deletes again
    logger.info("upload checked", extra={"asset_id": asset.id, "ready": reason is None, "reason": reason,
                                         "content_type": asset.content_type, "size": stored.size})
