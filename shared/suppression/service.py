"""Suppression rules: what blocks a send, and how entries come and go."""

from __future__ import annotations

from collections.abc import Iterable

from shared.platform import clock
from shared.platform.channels import Category, Channel
from shared.suppression import repository
from shared.suppression.models import Reason, Suppression, blocks

# A weaker reason never replaces a stronger one (an unsubscribe after a bounce stays a bounce).
_STRENGTH = {Reason.UNSUBSCRIBED: 0, Reason.MANUAL: 1, Reason.STOP: 2, Reason.COMPLAINT: 3, Reason.BOUNCE: 3}


def normalise(channel: Channel, address: str) -> str:
    return address.strip().lower() if channel == Channel.EMAIL else address.strip()


def blocking_reason(community_id: str, channel: Channel, address: str, category: Category) -> Reason | None:
    """Why this send must not happen, or None. One GetItem."""
    found = repository.get(community_id, channel, normalise(channel, address))
    if found is not None and blocks(found, category):
        return found.reason
    return None


def blocked_addresses(community_id: str, channel: Channel, category: Category) -> set[str]:
    """Every address of this channel a send of `category` must skip (one Query per 1 MB of entries):
    audience previews check thousands of recipients against this set instead of one GetItem each."""
    blocked: set[str] = set()
    after = None
    while True:
        page, after = repository.list_page(community_id, channel=channel, limit=1000, after=after)
        blocked.update(entry.address for entry in page if blocks(entry, category))
        if after is None:
            return blocked


def blocking_many(community_id: str, channel: Channel, addresses: Iterable[str],
                  category: Category) -> dict[str, Reason]:
    """`blocking_reason` for many addresses at once (BatchGetItem, 100 a call): address → reason."""
    wanted = {normalise(channel, a): a for a in addresses}
    found = repository.get_many(community_id, channel, list(wanted))
    return {wanted[s.address]: s.reason for s in found if blocks(s, category)}


def add(community_id: str, channel: Channel, address: str, reason: Reason, source: str) -> Suppression:
    address = normalise(channel, address)
    existing = repository.get(community_id, channel, address)
    if existing is not None and _STRENGTH[existing.reason] >= _STRENGTH[reason]:
        return existing
    entry = Suppression(community_id=community_id, channel=channel, address=address, reason=reason,
                        source=source, created_at=clock.iso())
    repository.put(entry)
    return entry


def remove(community_id: str, channel: Channel, address: str) -> bool:
    return repository.delete(community_id, channel, normalise(channel, address))
