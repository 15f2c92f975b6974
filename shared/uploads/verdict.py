"""One upload's verdict, for any consumer whose records announce uploads (issue 17: verified once).

A consumer's record says what was announced (`Announced`: key, type, size, whether it was decided).
`decide` then does what every such consumer must do, in this order:

- no record for the key (deleted, abandoned, never announced): the object is deleted;
- a record decided already: whatever is under its upload key now is deleted unread (a re-post
  within the presigned POST's life changes nothing), with any verified copy a lost race left;
- otherwise the object as it is now (HEAD's ETag) is checked: real size = declared size, magic
  bytes of the declared type (`sniff`); accepted bytes are copied to the verified key pinned to
  that ETag (downloads serve only that copy), then the consumer's `inspect` may look at the copy
  (make a thumbnail, say) and still refuse it;
- the consumer's `record` writes the verdict on condition of what it read; False (someone else
  decided meanwhile) raises `Raced`, so the message comes back and finds the verdict made;
- the upload object is deleted after the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

from shared.platform.observability import logger
from shared.uploads import sniff, store
from shared.uploads.notifications import ObjectCreated
from shared.uploads.objects import verified_key
from shared.uploads.store import StoredObject


class Raced(Exception):
    """Another delivery or upload changed the record or its object between our read and our verdict."""


@dataclass(frozen=True)
class Announced:
    """What a consumer's record says of one upload."""

    object_key: str
    content_type: str
    size: int  # declared
    decided: bool  # ready or rejected already
    etag: str | None = None  # of the version that was decided

    @classmethod
    def of(cls, record: UploadRecord | None, *, pending: str) -> Announced | None:
        """What `record` (a consumer's stored upload; None: not announced) says; decided unless `pending`."""
        if record is None:
            return None
        return cls(object_key=record.object_key, content_type=record.content_type, size=record.size,
                   decided=str(record.status) != str(pending), etag=record.etag)


class UploadRecord(Protocol):
    """The fields every upload consumer's record (an asset, a work-order attachment) keeps."""

    @property
    def object_key(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def status(self) -> object: ...
    @property
    def etag(self) -> str | None: ...


@dataclass(frozen=True)
class Verdict:
    stored: StoredObject
    reason: str | None  # why the upload is refused; None: accepted, its verified copy exists

    @property
    def accepted(self) -> bool:
        return self.reason is None

    @property
    def verified_key(self) -> str:
        return verified_key(self.stored.key, self.stored.etag)


# A consumer's look at accepted bytes: (the object, its verified copy's key) -> why to refuse it, or None.
Inspect = Callable[[StoredObject, str], str | None]


def mismatch(announced: Announced, stored: StoredObject) -> str | None:
    """Why the stored object is not what was announced, or None."""
    if stored.size != announced.size:
        return f"the file has {stored.size} bytes, {announced.size} were declared"
    head = store.read_start(stored.key, sniff.HEAD_BYTES, etag=stored.etag)
    return sniff.mismatch(announced.content_type, head, lambda: store.chunks(stored.key, etag=stored.etag))


def _after_the_decision(announced: Announced, event: ObjectCreated) -> None:
    store.delete(event.key)
    seen = event.etag.strip('"')
    if seen and seen != announced.etag:
        logger.warning("upload after the record was decided; deleted unread", extra={"key": event.key[:300]})
        with suppress(ValueError):
            store.delete(verified_key(event.key, seen))


def decide(event: ObjectCreated, announced: Announced | None, *, record: Callable[[Verdict], bool],
           inspect: Inspect | None = None) -> Verdict | None:
    """The verdict on the object of `event` (None when there was nothing to decide). See the module doc."""
    if announced is None or announced.object_key != event.key:
        logger.warning("object has no record; deleted", extra={"key": event.key[:300]})
        store.delete(event.key)
        return None
    if announced.decided:
        _after_the_decision(announced, event)
        return None
    stored = store.head(event.key)
    if stored is None:  # deleted meanwhile: nothing to do
        return None
    try:
        reason = mismatch(announced, stored)
        if reason is None:  # before the verdict: an accepted upload always has its verified copy
            store.copy(event.key, verified_key(event.key, stored.etag), etag=stored.etag)
    except store.Changed as changed:  # re-posted while we read: decide on the newest object instead
        raise Raced(event.key) from changed
    verdict = Verdict(stored=stored, reason=reason)
    if verdict.accepted and inspect is not None:
        refused = inspect(stored, verdict.verified_key)
        if refused is not None:
            store.delete(verdict.verified_key)
            verdict = Verdict(stored=stored, reason=refused)
    if not record(verdict):
        raise Raced(event.key)
    store.delete(event.key)  # after the verdict: a retry finds it decided and deletes again
    return verdict
