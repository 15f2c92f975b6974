"""Entry to a rental unit (Ontario RTA ss. 26–27): may staff give notice of this window?

With written notice a landlord may enter to do work if the notice is given at least 24 hours before
the time of entry (s. 27(1)) and names a time between 8 a.m. and 8 p.m. (s. 27(3)). Without it, in
an emergency or with the tenant's consent (s. 26(1)); the contract's consent is the lead tenant's
approval of the window. `check_window` returns every check with its rule, citation and message (the
same shape as notices' checks), a waived check marked so; `require_allowed` turns a refusal into 422.

The 24 hours are elapsed time, so across a daylight-saving change "tomorrow at the same time" can be
23 or 25 hours away; the 08:00–20:00 window is read on the community's wall clock, on one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.maintenance import citations as law
from shared.platform.errors import FieldError, ValidationFailed

NOTICE_PERIOD = timedelta(hours=24)
EARLIEST = time(8, 0)
LATEST = time(20, 0)


class Basis(StrEnum):
    """What allows the entry."""

    NOTICE = "notice"  # s. 27: 24 hours' written notice, 8 a.m. to 8 p.m.
    EMERGENCY = "emergency"  # s. 26(1)(a)
    TENANT_APPROVAL = "tenant_approval"  # s. 26(1)(b): the lead tenant approved this window


@dataclass(frozen=True)
class Check:
    rule: str
    citation: str
    ok: bool
    message: str
    waived: bool = False  # the rule did not bind: emergency or approval (then `ok` is True)


@dataclass(frozen=True)
class EntryDecision:
    allowed: bool
    basis: Basis
    checks: tuple[Check, ...]

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)


class EntryRefused(ValidationFailed):
    default_message = "This entry window does not meet the notice rules."


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {zone.key}"


def _aware(*moments: datetime) -> None:
    if any(m.tzinfo is None or m.utcoffset() is None for m in moments):
        raise ValueError("entry times must carry their time zone")


def check_window(starts_at: datetime, ends_at: datetime, *, now: datetime, zone: str, emergency: bool = False,
                 approved_by_lead: bool = False) -> EntryDecision:
    """Judge the window [starts_at, ends_at] as notice given at `now` in the community's `zone`."""
    _aware(starts_at, ends_at, now)
    # Elapsed time is measured in UTC: between two datetimes of one zone Python subtracts wall clocks.
    starts_at, ends_at, now = starts_at.astimezone(UTC), ends_at.astimezone(UTC), now.astimezone(UTC)
    tz = ZoneInfo(zone)
    basis = Basis.EMERGENCY if emergency else Basis.TENANT_APPROVAL if approved_by_lead else Basis.NOTICE
    waiver = {
        Basis.EMERGENCY: f"waived: the order is an emergency ({law.RTA_ENTRY_WITHOUT_NOTICE})",
        Basis.TENANT_APPROVAL: f"waived: the lead tenant approved this window ({law.RTA_ENTRY_WITHOUT_NOTICE})",
    }.get(basis)

    shape_ok = ends_at > starts_at and ends_at > now
    shape = Check("window", "", shape_ok, "The window ends after it starts, and after now." if shape_ok else
                  "The window must end after it starts, and must not be over already.")

    ahead = starts_at - now
    hours = ahead.total_seconds() / 3600
    notice_ok = ahead >= NOTICE_PERIOD
    notice_message = (f"Entry starts {hours:.1f} hours after the notice; at least 24 hours are required."
                      if not notice_ok else f"Entry starts {hours:.1f} hours after the notice (at least 24).")

    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    hours_ok = (local_start.date() == local_end.date() and local_start.time() >= EARLIEST
                and local_end.time() <= LATEST)
    hours_message = (f"{_clock(starts_at, tz)} to {_clock(ends_at, tz)}: "
                     + ("within 08:00–20:00 on one day." if hours_ok else
                        "entry must start at 08:00 or later and end by 20:00 on the same day."))

    checks = [shape]
    for rule, citation, ok, message in (
        ("notice_24_hours", law.RTA_ENTRY_WITH_NOTICE, notice_ok, notice_message),
        ("between_8am_and_8pm", law.RTA_ENTRY_HOURS, hours_ok, hours_message),
    ):
        if not ok and waiver is not None:
            checks.append(Check(rule, str(citation), True, f"{message} ({waiver})", waived=True))
        else:
            checks.append(Check(rule, str(citation), ok, message))
    return EntryDecision(allowed=all(c.ok for c in checks), basis=basis, checks=tuple(checks))


def require_allowed(decision: EntryDecision) -> EntryDecision:
    """The decision when allowed; otherwise 422 naming each failed rule and its citation."""
    if decision.allowed:
        return decision
    details = [FieldError("starts_at" if c.rule != "window" else "ends_at",
                          f"{c.message} [{c.rule}{'; ' + c.citation if c.citation else ''}]")
               for c in decision.failures]
    raise EntryRefused(details=details)
