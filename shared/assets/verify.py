"""The upload verifier: an object arrived under `communities/{cid}/assets/{aid}/...`; is it what was declared?

Ready when its real size is the declared size and its bytes are of the declared type
(`shared.uploads.sniff`); otherwise rejected. An upload is verified once (issue 17), by the steps
every upload consumer shares (`shared.uploads.verdict.decide`):

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

from shared.assets import repository
from shared.assets.models import Status
from shared.platform.observability import logger
from shared.uploads import verdict
from shared.uploads.notifications import ObjectCreated
from shared.uploads.verdict import Raced

__all__ = ["Raced", "on_object_created"]


def on_object_created(event: ObjectCreated) -> None:
    parts = event.parts
    if parts is None:  # notifications.worker only passes upload keys
        return
    asset = repository.get(parts.community_id, parts.object_id)
    announced = verdict.Announced.of(asset, pending=Status.PENDING)

    def record(found: verdict.Verdict) -> bool:
        assert asset is not None  # decide() records only an announced upload
        return repository.decide(asset, status=Status.READY if found.accepted else Status.REJECTED,
                                 size=found.stored.size, etag=found.stored.etag, reason=found.reason)

    result = verdict.decide(event, announced, record=record)
    if result is not None and asset is not None:
        logger.info("upload checked", extra={"asset_id": asset.id, "ready": result.accepted, "reason": result.reason,
                                             "content_type": asset.content_type, "size": result.stored.size})
