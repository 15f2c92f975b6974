"""Import storage: `C#{cid}` / `IMPORT#{iid}`; errors and the column mapping as JSON text.

A worker takes an import with a conditional claim (pending, or processing with an expired lease),
and every later write is conditional on still holding that claim: two deliveries of one S3 event
cannot both import the file, and a worker that outlived its lease cannot overwrite its successor.
"""

from __future__ import annotations

import json

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from shared.imports.models import ResidentImport, RowError, Status
from shared.platform import db, keys
from shared.platform.db import BaseItem

_CONDITION_FAILED = "ConditionalCheckFailedException"


class ImportItem(BaseItem, discriminator="resident_import"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    filename = UnicodeAttribute()
    object_key = UnicodeAttribute()
    column_mapping = UnicodeAttribute(default="{}")  # JSON object
    status = UnicodeAttribute()
    total = NumberAttribute(default=0)
    created = NumberAttribute(default=0)
    updated = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    errors = UnicodeAttribute(default="[]")  # JSON list of {row, field, message}, at most MAX_ERRORS
    errors_truncated = BooleanAttribute(default=False)
    reason = UnicodeAttribute(null=True)
    ignored_columns = ListAttribute(of=UnicodeAttribute, default=list)
    rows_done = NumberAttribute(default=0)
    claim = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    attempts = NumberAttribute(default=0)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


def _model(item: ImportItem) -> ResidentImport:
    return ResidentImport(
        id=item.id, community_id=item.community_id, filename=item.filename, object_key=item.object_key,
        column_mapping=json.loads(item.column_mapping or "{}"), status=Status(item.status), total=int(item.total),
        created=int(item.created), updated=int(item.updated), failed=int(item.failed),
        errors=tuple(RowError.model_validate(e) for e in json.loads(item.errors or "[]")),
        errors_truncated=bool(item.errors_truncated), reason=item.reason,
        ignored_columns=tuple(item.ignored_columns or ()), rows_done=int(item.rows_done), claim=item.claim,
        lease_until=int(item.lease_until) if item.lease_until is not None else None, attempts=int(item.attempts),
        created_by=item.created_by, created_at=item.created_at, updated_at=item.updated_at,
        expires_at=int(item.ttl) if item.ttl is not None else None,
    )


def _errors_json(job: ResidentImport) -> str:
    return json.dumps([e.model_dump() for e in job.errors], separators=(",", ":"))


def create(job: ResidentImport) -> None:
    db.bind()
    item = ImportItem(
        *keys.resident_import(job.community_id, job.id), id=job.id, community_id=job.community_id,
        filename=job.filename, object_key=job.object_key, column_mapping=json.dumps(job.column_mapping),
        status=str(job.status), created_by=job.created_by, created_at=job.created_at, updated_at=job.updated_at,
        ttl=job.expires_at,
    )
    item.save(condition=ImportItem.pk.does_not_exist())


def get(community_id: str, import_id: str) -> ResidentImport | None:
    db.bind()
    try:
        return _model(ImportItem.get(*keys.resident_import(community_id, import_id), consistent_read=True))
    except DoesNotExist:
        return None


def _update(job: ResidentImport, actions: list[Action], condition: object) -> bool:
    item = ImportItem(*keys.resident_import(job.community_id, job.id))
    try:
        item.update(actions=actions, condition=condition)  # type: ignore[arg-type]
    except UpdateError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


def claim(job: ResidentImport, *, token: str, lease_until: int, now_epoch: int, now_iso: str) -> bool:
    """pending → processing, or take over a processing import whose lease ran out; False if not ours."""
    db.bind()
    takeable = (ImportItem.status == str(Status.PENDING)) | (
        (ImportItem.status == str(Status.PROCESSING)) & (ImportItem.lease_until < now_epoch))
    actions: list[Action] = [
        ImportItem.status.set(str(Status.PROCESSING)),
        ImportItem.claim.set(token),
        ImportItem.lease_until.set(lease_until),
        ImportItem.attempts.add(1),
        ImportItem.updated_at.set(now_iso),
        ImportItem.ttl.remove(),  # a file arrived: the import is kept
    ]
    return _update(job, actions, ImportItem.pk.exists() & takeable)


def record(job: ResidentImport, *, token: str) -> bool:
    """Store the job's status, counts, errors and checkpoint, if the caller still holds the claim."""
    db.bind()
    actions: list[Action] = [
        ImportItem.status.set(str(job.status)),
        ImportItem.total.set(job.total),
        ImportItem.created.set(job.created),
        ImportItem.updated.set(job.updated),
        ImportItem.failed.set(job.failed),
        ImportItem.errors.set(_errors_json(job)),
        ImportItem.errors_truncated.set(job.errors_truncated),
        ImportItem.ignored_columns.set(list(job.ignored_columns)),  # type: ignore[arg-type]
        ImportItem.rows_done.set(job.rows_done),
        ImportItem.updated_at.set(job.updated_at),
        ImportItem.reason.set(job.reason) if job.reason else ImportItem.reason.remove(),
    ]
    if job.status != Status.PROCESSING:  # finished: nobody holds it any more
        actions += [ImportItem.claim.remove(), ImportItem.lease_until.remove()]
    condition = (ImportItem.claim == token) & (ImportItem.status == str(Status.PROCESSING))
    return _update(job, actions, condition)
