"""Work-order attachments: the photos and videos a tenant or staff adds to an order, and the contract's rules.

Images jpeg/png/webp/heic up to 15 MB, videos mp4/mov up to 200 MB; anything else is 422, too big 413.
An attachment is `pending` until its bytes arrive and are checked (`shared.uploads.verdict`), then
`ready` (an image with its thumbnail) or `rejected` (its upload removed).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

MB = 1024 * 1024


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class Status(StrEnum):
    PENDING = "pending"  # announced; bytes not (yet) uploaded or checked
    READY = "ready"  # its bytes are what was declared (an image: its thumbnail exists)
    REJECTED = "rejected"  # its bytes were not what was declared; the upload was deleted


MAX_BYTES: dict[Kind, int] = {Kind.IMAGE: 15 * MB, Kind.VIDEO: 200 * MB}
ALLOWED_TYPES: dict[str, Kind] = {
    "image/jpeg": Kind.IMAGE,
    "image/png": Kind.IMAGE,
    "image/webp": Kind.IMAGE,
    "image/heic": Kind.IMAGE,
    "video/mp4": Kind.VIDEO,
    "video/quicktime": Kind.VIDEO,
}
# Attachments an order may hold (pending, ready and rejected alike; an abandoned upload stops counting
# after a day): a work order is evidence, not a photo album, and its list is read whole, so it stays short.
MAX_PER_ORDER = 20
PENDING_TTL_S = 24 * 3600  # an upload not completed within a day is abandoned (DynamoDB TTL)


def max_bytes(content_type: str) -> int:
    return MAX_BYTES[ALLOWED_TYPES[content_type]]


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    work_order_id: str
    filename: str  # as the user gave it (the object key carries a safe form of it)
    content_type: str
    size: int  # declared; once decided, the stored object's size
    kind: Kind
    status: Status
    object_key: str
    etag: str | None = None  # of the object version that was checked
    has_thumbnail: bool = False
    rejection_reason: str | None = None
    uploaded_by: str
    uploaded_by_role: str
    created_at: datetime
    updated_at: datetime
    expires_at: int | None = None  # pending only: after this (epoch s) the upload is abandoned

    def abandoned(self, now_epoch: int) -> bool:
        return self.expires_at is not None and self.expires_at <= now_epoch
