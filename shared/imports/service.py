"""Import use cases for the API: announce an import (its presigned POST) and read its progress.

The work itself happens in the worker (`shared.imports.run`) when the file arrives. Keys come from
the caller's community, so another community's import is not found (404).
"""

from __future__ import annotations

from shared.assets.schemas import UploadForm
from shared.audit.events import AuditEvent, publish
from shared.imports import repository
from shared.imports.models import CONTENT_TYPE, MAX_BYTES, ResidentImport, Status
from shared.imports.schemas import ImportCreate, ImportCreated, ImportOut
from shared.platform import clock, ids
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import NotFound
from shared.spec.resources import RESIDENT_IMPORTS
from shared.uploads import presign
from shared.uploads.objects import object_key

PENDING_TTL_S = 24 * 3600  # an import whose file never came is forgotten after a day (DynamoDB TTL)


def create(caller: Caller, request: ImportCreate, meta: RequestMeta) -> ImportCreated:
    now = clock.iso()
    import_id = ids.new_id()
    job = ResidentImport(
        id=import_id, community_id=caller.community_id, filename=request.filename,
        object_key=object_key(caller.community_id, RESIDENT_IMPORTS.segment, import_id, request.filename),
        column_mapping=dict(request.column_mapping), created_by=caller.user_id, created_at=now, updated_at=now,
        expires_at=clock.epoch() + PENDING_TTL_S,
    )
    # Signed before the record is written: a record never exists without its upload having been offered.
    post = presign.presign_post(job.object_key, content_type=CONTENT_TYPE, max_bytes=MAX_BYTES)
    repository.create(job)
    publish(AuditEvent(community_id=caller.community_id, action="residents.import.created", actor_id=caller.user_id,
                       target=job.id, ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail={"filename": job.filename[:120]}))
    return ImportCreated(import_id=job.id,
                         upload=UploadForm(url=post.url, fields=post.fields, expires_at=post.expires_at))


def detail(caller: Caller, import_id: str) -> ImportOut:
    job = repository.get(caller.community_id, import_id)
    abandoned = job is not None and job.status == Status.PENDING and job.expires_at is not None \
        and job.expires_at <= clock.epoch()
    if job is None or abandoned:
        raise NotFound("No such import.")
    return ImportOut.of(job)
