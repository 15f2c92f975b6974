"""The work-order service, so far: triage for anyone who may create orders (nothing is saved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from shared.community.settings import HeatingSeason
from shared.maintenance import triage as rules
from shared.maintenance.schemas import TriageAnswer, TriageRequest, TriageRule
from shared.platform import clock
from shared.platform.context import Caller


class Calendar(Protocol):
    """What triage needs of a community's settings (identity's `Community` has both)."""

    @property
    def timezone(self) -> str: ...

    @property
    def heating_season(self) -> HeatingSeason: ...


# community id -> its settings. Identity owns the community; the handler passes this lookup in.
CalendarOf = Callable[[str], Calendar]


def triage(caller: Caller, request: TriageRequest, *, calendar_of: CalendarOf,
           at: datetime | None = None) -> TriageAnswer:
    """Run the triage rules as of now, on the community's calendar and with its heating season."""
    calendar = calendar_of(caller.community_id)
    result = rules.triage(request.category, request.answers, at=at or clock.now(), zone=calendar.timezone,
                          season=calendar.heating_season)
    return TriageAnswer(
        severity=result.severity, reasons=result.reasons, self_help=list(result.self_help),
        rules=[TriageRule(rule=f.rule, severity=f.severity, reason=f.reason, citations=[c.ref for c in f.citations])
               for f in result.findings],
        in_heating_season=result.in_heating_season)
