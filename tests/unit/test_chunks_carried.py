"""Chunks that carry their recipients (issue 16, part 4): the body round-trips to the same queued messages,
`pack` keeps each chunk under CHUNK_SIZE recipients and MAX_BODY_BYTES of body, and a body that is neither
form is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.messaging import chunks
from shared.messaging.models import Message, MessageStatus
from shared.platform.channels import Category, Channel

pytestmark = pytest.mark.unit


def recipient(i: int, **variables: Any) -> Message:
    return Message(id=f"k1-r{i:05d}", community_id="c1", channel=Channel.EMAIL, category=Category.MARKETING,
                   to=f"r{i}@example.com", status=MessageStatus.QUEUED, template_id="t1", template_version=3,
                   campaign_id="k1", resident_id=f"r{i:05d}", variables={"first_name": f"R{i}", **variables},
                   created_at="2026-12-02T10:00:00.000Z", updated_at="2026-12-02T10:00:00.000Z")


def test_a_carried_chunk_round_trips_to_the_same_queued_messages() -> None:
    messages = [recipient(i, balance="12.50", phone=None) for i in range(3)]
    (chunk,) = chunks.pack(messages)
    parsed = chunks.parse(chunk.body())
    assert parsed is not None and parsed.carried == tuple(messages)
    assert parsed.message_ids == tuple(m.id for m in messages) and parsed.campaign_id == "k1"


def test_pack_cuts_at_chunk_size_and_at_the_body_limit() -> None:
    size = chunks.CHUNK_SIZE
    assert [len(c.carried) for c in chunks.pack([recipient(i) for i in range(2 * size + 5)])] == [size, size, 5]
    big = [recipient(i, note="x" * 5_000) for i in range(100)]
    packed = chunks.pack(big)
    assert sum(len(c.carried) for c in packed) == 100 and len(packed) > 1
    assert all(len(c.body().encode()) <= chunks.MAX_BODY_BYTES for c in packed)


@pytest.mark.parametrize("body", [
    {"kind": "chunk", "community_id": "c1", "common": {"channel": "email", "category": "marketing",
                                                       "created_at": "x"}, "recipients": []},
    {"kind": "chunk", "community_id": "c1", "recipients": [{"id": "m", "to": "a@example.com"}]},  # no common part
    {"kind": "chunk", "community_id": "c1", "message_ids": ["m1"], "common": {
        "channel": "email", "category": "marketing", "created_at": "x"}, "recipients": [{"id": "m", "to": "a@b.c"}]},
    {"kind": "chunk", "community_id": "", "message_ids": ["m1"]},
])
def test_neither_or_both_forms_are_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        chunks.parse(json.dumps(body))


@pytest.mark.parametrize(("enqueued", "size"), [
    (0, chunks.FIRST_CHUNK_SIZE), (chunks.RAMP_RECIPIENTS - 1, chunks.FIRST_CHUNK_SIZE),
    (chunks.RAMP_RECIPIENTS, chunks.CHUNK_SIZE), (20_000, chunks.CHUNK_SIZE)])
def test_a_campaign_starts_with_half_size_chunks(enqueued: int, size: int) -> None:
    assert chunks.size_after(enqueued) == size


def test_pack_takes_a_smaller_size_but_never_a_larger_one() -> None:
    messages = [recipient(i) for i in range(250)]
    assert [len(c.carried) for c in chunks.pack(messages, chunks.FIRST_CHUNK_SIZE)] == [98, 98, 54]
    assert [len(c.carried) for c in chunks.pack(messages, 10_000)] == [chunks.CHUNK_SIZE, 250 - chunks.CHUNK_SIZE]
