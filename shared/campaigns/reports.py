"""The communications report over a date range: read from counters, never from the messages.

Totals come from the community's day × channel counter items (one Query for the range); each
campaign started in the range brings its own counters. Days are UTC days of message creation.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from shared.campaigns import repository
from shared.campaigns.schemas import CampaignSummary, ChannelTotals, CommunicationsReport, Report
from shared.platform.channels import Channel
from shared.platform.context import Caller
from shared.platform.errors import FieldError, ValidationFailed

MAX_DAYS = 366
MAX_CAMPAIGNS = 500


def communications(caller: Caller, start: date, end: date) -> CommunicationsReport:
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValidationFailed(details=[FieldError("to", f"must be on or after `from`, at most {MAX_DAYS} days on")])
    cid = caller.community_id
    by_channel: dict[str, Counter[str]] = {str(c): Counter() for c in Channel}
    for channel, counts in repository.daily_counters(cid, start.isoformat(), end.isoformat()):
        by_channel.setdefault(channel, Counter()).update(counts)
    totals: Counter[str] = Counter()
    for delta in by_channel.values():
        totals.update(delta)
    campaigns: list[CampaignSummary] = []
    after = None
    seen = 0
    while seen < MAX_CAMPAIGNS:
        page, after = repository.page(cid, limit=100, after=after)
        seen += len(page)
        campaigns += [
            CampaignSummary(id=c.id, name=c.name, channel=c.channel, status=c.status, started_at=c.started_at,
                            report=Report.of(c.counts))
            for c in page if c.started_at and start.isoformat() <= c.started_at[:10] <= end.isoformat()
        ]
        if after is None:
            break
    return CommunicationsReport.model_validate({
        "from": start.isoformat(), "to": end.isoformat(), "totals": Report.of(dict(totals)),
        "by_channel": [ChannelTotals(channel=Channel(ch), totals=Report.of(dict(c)))
                       for ch, c in sorted(by_channel.items())],
        "campaigns": campaigns,
    })
