"""Who a campaign reaches: one filter evaluator (the residents directory's) for every kind of audience."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shared.campaigns.models import Audience
from shared.platform.channels import Category, Channel
from shared.platform.errors import FieldError, ValidationFailed
from shared.residents import repository as residents_repository
from shared.residents import service as residents
from shared.residents.models import Resident
from shared.suppression import service as suppression


class AudienceGone(Exception):
    """The audience's segment was deleted: there is nobody to resolve."""


def resolve(community_id: str, audience: Audience) -> Iterator[Resident]:
    """The residents the audience names now, in id order (a segment's filter as it is now)."""
    if audience.resident_ids is not None:
        found = residents.get_many(community_id, audience.resident_ids)
        return iter(sorted(found.values(), key=lambda r: r.id))
    flt = audience.filter
    if audience.segment_id is not None:
        segment = residents_repository.get_segment(community_id, audience.segment_id)
        if segment is None:
            raise AudienceGone(audience.segment_id)
        flt = segment.filter
    assert flt is not None  # Audience holds exactly one of the three
    return residents.audience(community_id, flt)


def check(community_id: str, audience: Audience) -> None:
    """422 naming the field when the audience points at nothing of this community."""
    if audience.segment_id is not None and residents_repository.get_segment(community_id, audience.segment_id) is None:
        raise ValidationFailed(details=[FieldError("audience.segment_id", "no such segment")])
    if audience.resident_ids is not None:
        found = residents.get_many(community_id, audience.resident_ids)
        missing = [rid for rid in audience.resident_ids if rid not in found][:10]
        if missing:
            raise ValidationFailed(
                details=[FieldError("audience.resident_ids", f"no such resident: {', '.join(missing)}")])


def address_of(resident: Resident, channel: Channel) -> str | None:
    return resident.email if channel == Channel.EMAIL else resident.phone


@dataclass(frozen=True)
class Preview:
    count: int  # residents the campaign would send to
    no_address: int  # no email (or phone, for SMS)
    suppressed: int  # bounced, complained, STOP, unsubscribed (marketing) or manually suppressed
    opted_out: int  # marketing consent withdrawn on the channel


def preview(community_id: str, audience: Audience, channel: Channel, category: Category) -> Preview:
    """Count the audience and who would be left out, as delivery would leave them out.

    The suppression list is read once (a Query) rather than one GetItem per resident.
    """
    blocked = suppression.blocked_addresses(community_id, channel, category)
    count = no_address = suppressed = opted_out = 0
    for resident in resolve(community_id, audience):
        address = address_of(resident, channel)
        if not address:
            no_address += 1
        elif suppression.normalise(channel, address) in blocked:
            suppressed += 1
        elif category == Category.MARKETING and not resident.consent.allows(channel):
            opted_out += 1
        else:
            count += 1
    return Preview(count=count, no_address=no_address, suppressed=suppressed, opted_out=opted_out)
