"""Object keys of browser uploads: `communities/{community_id}/{segment}/{object_id}/{safe name}`.

The community comes first so every IAM grant and every consumer can be scoped by key alone; the
segment (`assets`, `imports`, ...) says which consumer owns the object (`shared.spec.resources.
UploadConsumer`); the object id is the domain record's id, so a key names exactly one record; the
name is the user's file name made safe for a URL, a header and a file system.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from shared.spec.resources import UPLOAD_ROOT

MAX_NAME_LENGTH = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SEGMENT = re.compile(r"^[a-z][a-z0-9-]*$")
_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")


def safe_name(filename: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """ASCII letters, digits, `.`, `_` and `-` only; no leading dot; the extension kept when cutting.

    `Board Minutes (März).pdf` -> `Board_Minutes_Marz_.pdf`; `../../etc/passwd` -> `etc_passwd`;
    nothing usable -> `file`.
    """
    ascii_only = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    base = ascii_only.replace("\\", "/").rsplit("/", 1)[-1]  # a path is never part of the name
    cleaned = _UNSAFE.sub("_", base).strip("._-") or "file"
    if len(cleaned) > max_length:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10 and stem:
            cleaned = stem[: max_length - len(extension) - 1].rstrip("._-") + "." + extension
        else:
            cleaned = cleaned[:max_length]
    return cleaned


@dataclass(frozen=True)
class ObjectKey:
    community_id: str
    segment: str
    object_id: str
    name: str

    def __str__(self) -> str:
        return f"{UPLOAD_ROOT}/{self.community_id}/{self.segment}/{self.object_id}/{self.name}"


def object_key(community_id: str, segment: str, object_id: str, filename: str) -> str:
    """The key of an upload; `filename` is made safe here."""
    if not _ID.match(community_id) or not _ID.match(object_id) or not _SEGMENT.match(segment):
        raise ValueError("community id, segment and object id must be plain identifiers")
    return str(ObjectKey(community_id, segment, object_id, safe_name(filename)))


_ETAG = re.compile(r"^[0-9A-Za-z-]{1,80}$")


def verified_key(key: str, etag: str) -> str:
    """Where an upload's accepted bytes (of ETag `etag`) are kept: beside the upload key, under
    `verified/{etag}/`. No presigned POST names such a key (each binds its exact upload key) and
    `parse_key` does not read it as an upload, so the verifier never re-checks its own copies."""
    parts = parse_key(key)
    if parts is None or not _ETAG.match(etag):
        raise ValueError("not an upload key and an ETag")
    return f"{UPLOAD_ROOT}/{parts.community_id}/{parts.segment}/{parts.object_id}/verified/{etag}/{parts.name}"


def parse_key(key: str) -> ObjectKey | None:
    """The parts of an upload key, or None when `key` is not one (a consumer ignores such objects)."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != UPLOAD_ROOT:
        return None
    _, community_id, segment, object_id, name = parts
    if not _ID.match(community_id) or not _SEGMENT.match(segment) or not _ID.match(object_id):
        return None
    if not name or safe_name(name) != name:
        return None
    return ObjectKey(community_id, segment, object_id, name)


_LABEL = re.compile(r"^[a-z][a-z0-9-]{0,30}\.[a-z0-9]{1,5}$")


def derived_key(key: str, etag: str, label: str) -> str:
    """Where a file made from an upload's accepted bytes (of ETag `etag`) is kept, e.g. its thumbnail:
    `.../{object id}/derived/{etag}/{label}`. Like `verified_key`, no presigned POST names it and
    `parse_key` does not read it as an upload; `label` (`thumbnail.jpg`) never collides with a user's name."""
    parts = parse_key(key)
    if parts is None or not _ETAG.match(etag) or not _LABEL.match(label):
        raise ValueError("not an upload key, an ETag and a label")
    return f"{UPLOAD_ROOT}/{parts.community_id}/{parts.segment}/{parts.object_id}/derived/{etag}/{label}"
