"""Asset use cases: announce an upload, list, read, edit, delete, download, and the branding check.

Every key comes from the caller's community, so another community's asset is simply not found.
An asset the caller's role may not see is answered exactly like a missing one (404): a tenant
learns nothing about the staff's documents, not even that they exist.
"""

from __future__ import annotations

from typing import Any

from shared.assets import repository
from shared.assets.models import ALLOWED_TYPES, Asset, Status, max_bytes, visible_to
from shared.assets.schemas import AssetCreate, AssetCreated, AssetList, AssetOut, AssetUpdate, DownloadOut, UploadForm
from shared.audit.events import AuditEvent, publish
from shared.platform import clock, cursor, ids, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, InvalidCursor, NotFound, ValidationFailed
from shared.spec.permissions import Permission, allows
from shared.spec.resources import ASSET_UPLOADS
from shared.uploads import declared, presign, store
from shared.uploads.objects import object_key, verified_key

PENDING_TTL_S = 24 * 3600  # an upload not completed within a day is abandoned (DynamoDB TTL)
NOT_READY = "The asset is not ready: its upload has not completed or was rejected."
LOGO_FIELD = "branding.logo_asset_id"


def _audit(action: str, caller: Caller, meta: RequestMeta, asset: Asset, **detail: object) -> None:
    publish(AuditEvent(community_id=caller.community_id, action=action, actor_id=caller.user_id, target=asset.id,
                       ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail={"name": asset.name[:120], "visibility": str(asset.visibility), **detail}))


def _manages(caller: Caller) -> bool:
    return allows(caller.role, Permission.ASSETS_MANAGE)


def _may_see(caller: Caller, asset: Asset) -> bool:
    if _manages(caller):
        return True
    return asset.status == Status.READY and asset.visibility in visible_to(caller.role)


def _abandoned(asset: Asset) -> bool:
    return asset.expires_at is not None and asset.expires_at <= clock.epoch()


def _visible(caller: Caller, asset_id: str) -> Asset:
    asset = repository.get(caller.community_id, asset_id)
    if asset is None or _abandoned(asset) or not _may_see(caller, asset):
        raise NotFound("No such asset.")
    return asset


def create(caller: Caller, request: AssetCreate, meta: RequestMeta) -> AssetCreated:
    """Record a pending asset and hand out the presigned POST for its bytes."""
    declared.check(request.content_type, request.size, allowed=ALLOWED_TYPES, max_bytes=max_bytes)
    now = clock.iso()
    asset_id = ids.new_id()
    asset = Asset(
        id=asset_id, community_id=caller.community_id, name=request.filename, content_type=request.content_type,
        size=request.size, folder=request.folder, tags=list(request.tags), visibility=request.visibility,
        status=Status.PENDING, object_key=object_key(caller.community_id, ASSET_UPLOADS.segment, asset_id,
                                                     request.filename),
        uploaded_by=caller.user_id, created_at=now, updated_at=now, expires_at=clock.epoch() + PENDING_TTL_S,
    )
    # Signed before the record is written: a record never exists without its upload having been offered.
    post = presign.presign_post(asset.object_key, content_type=asset.content_type, max_bytes=asset.size)
    repository.create(asset)
    _audit("asset.created", caller, meta, asset, content_type=asset.content_type, size=asset.size)
    return AssetCreated(asset=AssetOut.of(asset),
                        upload=UploadForm(url=post.url, fields=post.fields, expires_at=post.expires_at))


def _start_key(caller: Caller, folder: str | None, after: str | None) -> dict[str, Any] | None:
    """The decoded cursor, refused unless it continues this community's list (and this folder's)."""
    start = cursor.decode(caller.community_id, after)
    if start is None:
        return None
    pk = (start.get("pk") or {}).get("S")
    sk = str((start.get("sk") or {}).get("S"))
    gsi1pk = (start.get("gsi1pk") or {}).get("S")
    expected_index = keys.assets_in_folder(caller.community_id, folder) if folder is not None else None
    if pk != keys.community_pk(caller.community_id) or not sk.startswith(repository.SK_PREFIX) \
            or gsi1pk != expected_index:
        raise InvalidCursor()
    return start


def page(caller: Caller, *, folder: str | None, tag: str | None, limit: int, after: str | None) -> AssetList:
    """Newest first. Owners, tenants and the board see only ready assets meant for their role."""
    manages = _manages(caller)
    filters = repository.Filters(
        folder=folder, tag=tag, visibilities=None if manages else visible_to(caller.role), ready_only=not manages,
    )
    items, last = repository.page(caller.community_id, filters, limit=limit, after=_start_key(caller, folder, after))
    return AssetList(items=[AssetOut.of(a) for a in items], next_cursor=cursor.encode(caller.community_id, last))


def detail(caller: Caller, asset_id: str) -> AssetOut:
    return AssetOut.of(_visible(caller, asset_id))


def update(caller: Caller, asset_id: str, request: AssetUpdate) -> AssetOut:
    current = _visible(caller, asset_id)
    changes = {field: getattr(request, field) for field in request.model_fields_set}
    updated = current.model_copy(update={**changes, "updated_at": clock.iso()})
    if not repository.update_metadata(updated):
        raise NotFound("No such asset.")
    return AssetOut.of(updated)


def delete(caller: Caller, asset_id: str, meta: RequestMeta) -> None:
    """The objects first, then the record: a retry after a failure in between finds and finishes it."""
    asset = _visible(caller, asset_id)
    store.delete(asset.object_key)
    if asset.status == Status.READY and asset.etag:
        store.delete(verified_key(asset.object_key, asset.etag))
    if not repository.delete(caller.community_id, asset_id):
        raise NotFound("No such asset.")
    _audit("asset.deleted", caller, meta, asset)


def download(caller: Caller, asset_id: str) -> DownloadOut:
    """A 5-minute presigned GET that saves the file under its name; ready assets only (409 otherwise).

    It names the verified copy (`verify`), never the upload key: bytes posted after the check are
    not what a download gets."""
    asset = _visible(caller, asset_id)
    if asset.status != Status.READY or not asset.etag:
        raise Conflict(NOT_READY)
    url = presign.presign_get(verified_key(asset.object_key, asset.etag), filename=asset.name,
                              content_type=asset.content_type)
    return DownloadOut(url=url.url, expires_at=url.expires_at)


def require_ready_image(community_id: str, asset_id: str) -> Asset:
    """The community's asset `asset_id` if it is a ready image (a logo, say); 422 on `branding.logo_asset_id`
    otherwise. For `PATCH /v1/community` (`branding.logo_asset_id`)."""
    asset = repository.get(community_id, asset_id) if asset_id else None
    if asset is None or _abandoned(asset):
        reason = "is not an asset of this community"
    elif not asset.is_image():
        reason = "must be an image (jpeg, png, webp or gif)"
    elif asset.status != Status.READY:
        reason = f"must be a ready asset; this one is {asset.status}"
    else:
        return asset
    raise ValidationFailed(details=[FieldError(LOGO_FIELD, reason)])
