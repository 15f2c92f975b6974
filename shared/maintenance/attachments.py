"""Work-order attachments: announce an upload, list, download, and the verifier of the uploaded bytes.

One more consumer of the shared upload path (`shared.uploads`): the API records a pending attachment
and hands out a presigned POST bound to its key, type and size; S3's ObjectCreated reaches the
`WorkOrderFiles` worker, which decides it with `shared.uploads.verdict` (size and magic bytes; the
accepted bytes kept at their verified key) and makes an image's thumbnail from that verified copy.

Who may: whoever reaches the order (`workorders.reach`, the scope every order route uses). Staff
attach when they may write the order; an owner or tenant when they are a party to its tenancy (their
own order). The board and a property owner only read. Out of scope is 404, as another community's.
"""

from __future__ import annotations

from datetime import datetime

from shared.assets.schemas import DownloadOut, UploadForm
from shared.maintenance import file_repository, workorders
from shared.maintenance.files import (
    ALLOWED_TYPES,
    MAX_PER_ORDER,
    PENDING_TTL_S,
    Attachment,
    Kind,
    Status,
    max_bytes,
)
from shared.maintenance.orders import OrderEvent
from shared.maintenance.schemas import AttachmentCreate, AttachmentCreated, AttachmentList, AttachmentOut, Variant
from shared.platform import clock, ids
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, NotFound
from shared.platform.observability import logger
from shared.properties.service import audit
from shared.spec.resources import WORK_ORDER_FILES
from shared.uploads import declared, presign, store, thumbnail, verdict
from shared.uploads.notifications import ObjectCreated
from shared.uploads.objects import derived_key, object_key, verified_key
from shared.uploads.store import StoredObject

NOT_READY = "The attachment is not ready: its upload has not completed or was rejected."
NO_THUMBNAIL = "This attachment has no thumbnail: only images get one."
TOO_MANY = f"A work order holds at most {MAX_PER_ORDER} attachments."


def _check(request: AttachmentCreate) -> None:
    declared.check(request.content_type, request.size, allowed=ALLOWED_TYPES, max_bytes=max_bytes,
                   noun="attachments")


def announce(caller: Caller, work_order_id: str, request: AttachmentCreate, meta: RequestMeta | None = None, *,
             at: datetime | None = None) -> AttachmentCreated:
    """A pending attachment of the order and the presigned POST for its bytes (the order's event records it)."""
    order, _ = workorders.reach(caller, work_order_id, write=workorders.reach_is_staff(caller))
    _check(request)
    if len(file_repository.of_order(caller.community_id, order.id)) >= MAX_PER_ORDER:
        raise Conflict(TOO_MANY)
    now = at or clock.now()
    attachment_id = ids.new_id()
    attachment = Attachment(
        id=attachment_id, community_id=caller.community_id, work_order_id=order.id, filename=request.filename,
        content_type=request.content_type, size=request.size, kind=ALLOWED_TYPES[request.content_type],
        status=Status.PENDING, object_key=object_key(caller.community_id, WORK_ORDER_FILES.segment, attachment_id,
                                                     request.filename),
        uploaded_by=caller.user_id, uploaded_by_role=str(caller.role), created_at=now, updated_at=now,
        expires_at=int(now.timestamp()) + PENDING_TTL_S)
    # Signed before the record is written: a record never exists without its upload having been offered.
    post = presign.presign_post(attachment.object_key, content_type=attachment.content_type,
                                max_bytes=attachment.size)
    detail = {"attachment_id": attachment.id, "kind": str(attachment.kind), "filename": attachment.filename[:120]}
    event = OrderEvent(id=ids.new_id(), work_order_id=order.id, kind="attachment", at=now, actor_id=caller.user_id,
                       actor_role=str(caller.role), detail=detail)
    file_repository.create(attachment, event)
    audit(caller, "work_order.attachment_added", order.id, meta, attachment_id=attachment.id,
          content_type=attachment.content_type, size=attachment.size)
    return AttachmentCreated(attachment=AttachmentOut.of(attachment),
                             upload=UploadForm(url=post.url, fields=post.fields, expires_at=post.expires_at))


def list_of(caller: Caller, work_order_id: str) -> AttachmentList:
    """The order's attachments, oldest first (pending ones too: the uploader sees theirs arrive)."""
    order, _ = workorders.reach(caller, work_order_id)
    return AttachmentList(items=[AttachmentOut.of(a) for a in file_repository.of_order(caller.community_id, order.id)])


def download(caller: Caller, work_order_id: str, attachment_id: str, variant: Variant = Variant.ORIGINAL
             ) -> DownloadOut:
    """A 5-minute presigned GET of the verified original or of the thumbnail: 409 until the attachment is
    ready, 404 for the thumbnail of a video (none is made)."""
    order, _ = workorders.reach(caller, work_order_id)
    attachment = file_repository.get(caller.community_id, attachment_id)
    if attachment is None or attachment.work_order_id != order.id or attachment.abandoned(clock.epoch()):
        raise NotFound("No such attachment.")
    if attachment.status != Status.READY or not attachment.etag:
        raise Conflict(NOT_READY)
    if variant is Variant.THUMBNAIL:
        if not attachment.has_thumbnail:
            raise NotFound(NO_THUMBNAIL)
        stem = attachment.filename.rsplit(".", 1)[0] or "photo"
        url = presign.presign_get(derived_key(attachment.object_key, attachment.etag, thumbnail.LABEL),
                                  filename=f"{stem}-thumbnail.jpg", content_type=thumbnail.CONTENT_TYPE)
    else:
        url = presign.presign_get(verified_key(attachment.object_key, attachment.etag),
                                  filename=attachment.filename, content_type=attachment.content_type)
    return DownloadOut(url=url.url, expires_at=url.expires_at)


# --- the verifier (functions/workers/verify_work_order_files.py) -------------------------------------


def _thumbnail_of(attachment: Attachment) -> verdict.Inspect | None:
    """For an image: make its thumbnail from the verified copy, or refuse bytes no decoder can read."""
    if attachment.kind is not Kind.IMAGE:
        return None

    def inspect(stored: StoredObject, verified: str) -> str | None:
        try:
            small = thumbnail.make(store.read_all(verified), attachment.content_type)
        except thumbnail.Unreadable as unreadable:
            return str(unreadable)
        store.put(derived_key(stored.key, stored.etag, thumbnail.LABEL), small, content_type=thumbnail.CONTENT_TYPE)
        return None

    return inspect


def on_object_created(event: ObjectCreated) -> None:
    """Decide the attachment whose upload `event` announces (idempotent: S3 and EventBridge repeat)."""
    parts = event.parts
    if parts is None:  # notifications.worker only passes upload keys
        return
    attachment = file_repository.get(parts.community_id, parts.object_id)
    announced = verdict.Announced.of(attachment, pending=Status.PENDING)

    def record(found: verdict.Verdict) -> bool:
        assert attachment is not None
        return file_repository.decide(attachment, status=Status.READY if found.accepted else Status.REJECTED,
                                      size=found.stored.size, etag=found.stored.etag, reason=found.reason,
                                      has_thumbnail=found.accepted and attachment.kind is Kind.IMAGE)

    inspect = _thumbnail_of(attachment) if attachment is not None else None
    result = verdict.decide(event, announced, record=record, inspect=inspect)
    if result is not None and attachment is not None:
        logger.info("attachment checked", extra={"attachment_id": attachment.id, "ready": result.accepted,
                                                 "reason": result.reason, "content_type": attachment.content_type,
                                                 "size": result.stored.size})
