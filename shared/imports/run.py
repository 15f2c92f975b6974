"""The import worker's job: an object arrived under `communities/{cid}/imports/{iid}/...`; import its rows.

1. **Claim** the import (`repository.claim`): pending → processing with a random claim token and a
   lease a little longer than the worker's timeout. A completed or failed import is left alone (a
   redelivered event, or the presigned POST used twice, imports nothing); a processing one whose
   lease is still running is someone else's: `Busy` makes the record come back later.
2. **Check the file**: it exists, is at most 10 MB, is UTF-8 text (`shared.uploads.sniff`), has a
   usable header and at most `MAX_ROWS` rows (a first streaming pass counts them: `total` is known
   before any resident is written, and an over-long file fails without a partial import).
3. **Import** in a second streaming pass: rows are validated one by one (`rows.parse_row`), valid
   ones upserted `BATCH_ROWS` at a time through `shared.residents.service.upsert_many`. A batch is
   cut before a row that repeats an address already in it, so repeated rows are applied in file
   order: the later row wins and counts as an update.
4. **Progress**: after a batch, at most every `CHECKPOINT_S` seconds, counts, errors and the row
   reached are written (conditional on the claim); the final write sets completed. A worker that
   dies leaves its checkpoint: the next delivery, once the lease has run out, resumes after it.

Invariant at the end: created + updated + failed == total.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from shared.imports import repository, rows
from shared.imports.models import CONTENT_TYPE, MAX_BYTES, MAX_ERRORS, MAX_ROWS, ResidentImport, RowError, Status
from shared.platform import clock, ids
from shared.platform.observability import logger
from shared.residents import service as residents
from shared.spec.resources import RESIDENT_IMPORTS_QUEUE
from shared.uploads import sniff, store
from shared.uploads.notifications import ObjectCreated

BATCH_ROWS = 1_000  # rows per upsert_many call
CHECKPOINT_S = 2.0  # progress is written at most this often (and always at the end)
LEASE_S = RESIDENT_IMPORTS_QUEUE.worker_timeout_s + 60  # longer than any one invocation can run


class Busy(Exception):
    """Another delivery is importing this file right now: try the record again later."""


class LostClaim(Exception):
    """Our lease ran out and another worker took the import over: stop writing."""


@dataclass
class _Progress:
    job: ResidentImport
    token: str
    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    truncated: bool = False
    rows_done: int = 0
    saved_at: float = 0.0

    @classmethod
    def resume(cls, job: ResidentImport, token: str) -> _Progress:
        return cls(job=job, token=token, created=job.created, updated=job.updated, failed=job.failed,
                   errors=list(job.errors), truncated=job.errors_truncated, rows_done=job.rows_done,
                   saved_at=time.monotonic())

    def fail_row(self, problems: list[RowError]) -> None:
        self.failed += 1
        room = MAX_ERRORS - len(self.errors)
        self.errors.extend(problems[:max(room, 0)])
        self.truncated = self.truncated or len(problems) > room

    def save(self, *, status: Status = Status.PROCESSING, reason: str | None = None, **changes: object) -> None:
        self.job = self.job.model_copy(update={
            "status": status, "reason": reason, "created": self.created, "updated": self.updated,
            "failed": self.failed, "errors": tuple(self.errors), "errors_truncated": self.truncated,
            "rows_done": self.rows_done, "updated_at": clock.iso(), **changes})
        if not repository.record(self.job, token=self.token):
            raise LostClaim(self.job.id)
        self.saved_at = time.monotonic()


def on_object_created(event: ObjectCreated) -> None:
    parts = event.parts
    if parts is None:  # notifications.worker only passes upload keys
        return
    job = repository.get(parts.community_id, parts.object_id)
    if job is None or job.object_key != event.key:
        logger.warning("object has no import; ignored (it expires with its pending tag)",
                       extra={"import_id": parts.object_id})
        return
    if job.status in (Status.COMPLETED, Status.FAILED):
        logger.info("import already %s; event ignored", job.status, extra={"import_id": job.id})
        return
    token = ids.token(16)
    if not repository.claim(job, token=token, lease_until=clock.epoch() + LEASE_S, now_epoch=clock.epoch(),
                            now_iso=clock.iso()):
        current = repository.get(job.community_id, job.id)
        if current is None or current.status in (Status.COMPLETED, Status.FAILED):
            return
        raise Busy(job.id)
    process(job.model_copy(update={"status": Status.PROCESSING, "claim": token}), token)


def _file_problem(key: str) -> str | None:
    stored = store.head(key)
    if stored is None:
        return "the file is missing"
    if stored.size > MAX_BYTES:
        return f"the file has {stored.size} bytes; at most {MAX_BYTES} are allowed"
    return sniff.mismatch(CONTENT_TYPE, store.read_start(key, sniff.HEAD_BYTES), lambda: store.chunks(key))


def _survey(key: str, mapping: dict[str, str]) -> tuple[rows.Header, int]:
    """The header and the number of non-blank rows (first pass over the file)."""
    cells, records = rows.records(rows.lines(store.chunks(key)))
    header = rows.read_header(cells, mapping)
    total = sum(1 for _, record in records if not rows.is_blank(record))
    return header, total


def process(job: ResidentImport, token: str) -> None:
    """Import a claimed job's file (from its checkpoint, when resuming)."""
    started = time.monotonic()
    progress = _Progress.resume(job, token)
    logger.append_keys(import_id=job.id)
    try:
        problem = _file_problem(job.object_key)
        if problem is not None:
            raise rows.BadFile(problem)
        header, total = _survey(job.object_key, job.column_mapping)
        if total > MAX_ROWS:
            raise rows.BadFile(f"the file has {total} rows; an import may have at most {MAX_ROWS}")
        if job.rows_done == 0:
            progress.save(total=total, ignored_columns=header.ignored)
        _import(progress, header)
    except rows.BadFile as bad:
        progress.save(status=Status.FAILED, reason=str(bad))
        logger.info("import failed", extra={"reason": str(bad)})
        return
    progress.save(status=Status.COMPLETED)
    logger.info("import completed", extra={
        "total": progress.job.total, "created": progress.created, "updated": progress.updated,
        "failed": progress.failed, "seconds": round(time.monotonic() - started, 2)})


def _import(progress: _Progress, header: rows.Header) -> None:
    job = progress.job
    region = residents.directory_settings(job.community_id).region
    batch: list[rows.ParsedRow] = []
    addresses: set[str] = set()

    def flush(upto: int) -> None:
        if batch:
            _upsert(progress, batch)
            batch.clear()
            addresses.clear()
        progress.rows_done = upto
        if time.monotonic() - progress.saved_at >= CHECKPOINT_S:
            progress.save()

    _, records = rows.records(rows.lines(store.chunks(job.object_key)))
    last = job.rows_done
    for number, cells in _after(records, job.rows_done):
        if rows.is_blank(cells):
            last = number
            continue
        parsed = rows.parse_row(header, cells, number, region=region)
        if isinstance(parsed, list):
            progress.fail_row(parsed)
        else:
            if parsed.addresses & addresses:  # repeats a row of this batch: write that one first
                flush(number - 1)
            batch.append(parsed)
            addresses.update(parsed.addresses)
            if len(batch) >= BATCH_ROWS:
                flush(number)
        last = number
    flush(last)


def _after(records: Iterator[tuple[int, list[str]]], done: int) -> Iterator[tuple[int, list[str]]]:
    return (record for record in records if record[0] > done)


def _upsert(progress: _Progress, batch: list[rows.ParsedRow]) -> None:
    source = f"import:{progress.job.id}"
    results = residents.upsert_many(progress.job.community_id, [p.fields for p in batch], source=source)
    for parsed, result in zip(batch, results, strict=True):
        if result.ok:
            if result.created:
                progress.created += 1
            else:
                progress.updated += 1
        else:
            progress.fail_row([RowError(row=parsed.row, field=e.field, message=e.message) for e in result.errors])

