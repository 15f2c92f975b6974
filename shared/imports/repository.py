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

from shared.imports.models import ResidentImport, Status
from shared.platform import db, keys
from shared.platform.db import BaseItem
from shared.platform.mapping import to_item, to_model

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


_RENAMES = {"expires_at": "ttl"}  # a pending import expires by the table's TTL
_JSON = ("column_mapping", "errors")


def _model(item: ImportItem) -> ResidentImport:
    return to_model(ResidentImport, item, renames=_RENAMES, json_fields=_JSON)


def _errors_json(job: ResidentImport) -> str:
    return json.dumps([e.model_dump() for e in job.errors], separators=(",", ":"))


def create(job: ResidentImport) -> None:
    db.bind()
    item = to_item(ImportItem, job, keys.resident_import(job.community_id, job.id), renames=_RENAMES,
                   json_fields=_JSON)
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
