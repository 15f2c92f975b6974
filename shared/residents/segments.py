"""Segments' use cases: a named filter over the community's residents, and its preview.

The preview counts with the same evaluator (`filters.matches`) that the resident list and
campaign audiences use, over every resident of the community with ledger balances (`service.audience`).
"""

from __future__ import annotations

from shared.platform import clock, cursor, ids, keys
from shared.platform.context import Caller
from shared.platform.errors import FieldError, NotFound, ValidationFailed
from shared.residents import ledger as tenancy_ledger
from shared.residents import repository, service
from shared.residents.models import ResidentFilter, Segment
from shared.residents.schemas import (
    FilterIn,
    ResidentOut,
    SegmentCreate,
    SegmentList,
    SegmentOut,
    SegmentPreview,
    SegmentUpdate,
)

SAMPLE_SIZE = 10


def checked_filter(community_id: str, given: FilterIn) -> ResidentFilter:
    """The filter, with every `custom` key naming a defined field (422 `filter.custom.{key}` otherwise) and
    every `property_ids` entry a property of the community (422 `filter.property_ids`)."""
    flt = given.to_filter()
    definitions = repository.custom_fields(community_id) if flt.custom else {}
    unknown = [k for k in (flt.custom or {}) if k not in definitions]
    if unknown:
        raise ValidationFailed(details=[FieldError(f"filter.custom.{k}", "is not a custom field of this community")
                                        for k in unknown])
    if flt.property_ids:
        missing = tenancy_ledger.unknown_properties(community_id, flt.property_ids)
        if missing:
            raise ValidationFailed(details=[FieldError("filter.property_ids", f"no such property: {pid}")
                                            for pid in missing[:10]])
    return flt


def _require(community_id: str, segment_id: str) -> Segment:
    segment = repository.get_segment(community_id, segment_id)
    if segment is None:
        raise NotFound("No such segment.")
    return segment


def create(caller: Caller, request: SegmentCreate) -> SegmentOut:
    now = clock.iso()
    segment = Segment(id=ids.new_id(), community_id=caller.community_id, name=request.name,
                      description=request.description, filter=checked_filter(caller.community_id, request.filter),
                      created_at=now, updated_at=now)
    repository.put_segment(segment, create=True)
    return SegmentOut.of(segment)


def detail(caller: Caller, segment_id: str) -> SegmentOut:
    return SegmentOut.of(_require(caller.community_id, segment_id))


def page(caller: Caller, *, limit: int, after: str | None) -> SegmentList:
    """Newest first."""
    start = service.start_key(caller.community_id, after, keys.SEGMENT_PREFIX)
    items, last = repository.segments_page(caller.community_id, limit=limit, after=start)
    return SegmentList(items=[SegmentOut.of(s) for s in items], next_cursor=cursor.encode(caller.community_id, last))


def update(caller: Caller, segment_id: str, request: SegmentUpdate) -> SegmentOut:
    current = _require(caller.community_id, segment_id)
    given = request.model_fields_set
    changes: dict[str, object] = {"updated_at": clock.iso()}
    if "name" in given:
        changes["name"] = request.name
    if "description" in given:
        changes["description"] = request.description
    if request.filter is not None:
        changes["filter"] = checked_filter(caller.community_id, request.filter)
    updated = current.model_copy(update=changes)
    if not repository.put_segment(updated, create=False):
        raise NotFound("No such segment.")
    return SegmentOut.of(updated)


def delete(caller: Caller, segment_id: str) -> None:
    if not repository.delete_segment(caller.community_id, segment_id):
        raise NotFound("No such segment.")


def preview(caller: Caller, segment_id: str) -> SegmentPreview:
    """How many residents the segment selects now, and the first few of them (oldest first)."""
    segment = _require(caller.community_id, segment_id)
    settings = service.directory_settings(caller.community_id)
    count, sample = 0, list[ResidentOut]()
    visible = tenancy_ledger.visible_ids(caller)  # a property manager counts only their residents
    chosen = (r for r in service.audience(caller.community_id, segment.filter)
              if visible is None or r.id in visible)
    for resident in chosen:
        count += 1
        if len(sample) < SAMPLE_SIZE:
            sample.append(ResidentOut.of(resident, settings.threshold))
    return SegmentPreview(count=count, sample=sample)
