"""RTA s.27 entry windows in America/Toronto: the 24 hours, 08:00–20:00, DST changes, and the waivers."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from shared.maintenance.entry import Basis, EntryDecision, EntryRefused, check_window, require_allowed
from shared.platform.http import status_of

pytestmark = pytest.mark.unit

ZONE = "America/Toronto"
_TZ = ZoneInfo(ZONE)


def t(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Toronto wall-clock time, handed over in UTC as the API would."""
    return datetime(year, month, day, hour, minute, tzinfo=_TZ).astimezone(UTC)


NOW = t(2026, 12, 7, 9, 0)  # a Monday morning

# (case, now, starts, ends, notice ok, hours ok)
CASES = [
    ("next-day-25h", NOW, t(2026, 12, 8, 10), t(2026, 12, 8, 12), True, True),
    ("exactly-24h", NOW, t(2026, 12, 8, 9), t(2026, 12, 8, 11), True, True),
    ("one-minute-short", NOW, t(2026, 12, 8, 8, 59), t(2026, 12, 8, 11), False, True),
    ("two-hours-ahead", NOW, t(2026, 12, 7, 11), t(2026, 12, 7, 12), False, True),
    ("starts-07:59", NOW, t(2026, 12, 9, 7, 59), t(2026, 12, 9, 9), True, False),
    ("starts-08:00", NOW, t(2026, 12, 9, 8, 0), t(2026, 12, 9, 9), True, True),
    ("ends-20:00", NOW, t(2026, 12, 9, 18), t(2026, 12, 9, 20, 0), True, True),
    ("ends-20:01", NOW, t(2026, 12, 9, 18), t(2026, 12, 9, 20, 1), True, False),
    ("19:00-21:00", NOW, t(2026, 12, 9, 19), t(2026, 12, 9, 21), True, False),
    ("whole-day-08-20", NOW, t(2026, 12, 9, 8), t(2026, 12, 9, 20), True, True),
    ("across-midnight", NOW, t(2026, 12, 9, 19), t(2026, 12, 10, 9), True, False),
    ("two-days", NOW, t(2026, 12, 9, 9), t(2026, 12, 10, 17), True, False),
    # 8 a.m. in Toronto is 13:00 UTC in winter: a UTC reading would call 12:30 UTC (07:30 local) fine.
    ("utc-would-pass", NOW, t(2026, 12, 9, 7, 30), t(2026, 12, 9, 9), True, False),
    # Spring forward (14 March 2027, 02:00 → 03:00): the same wall-clock time next day is 23 hours away.
    ("spring-same-time-23h", t(2027, 3, 13, 10), t(2027, 3, 14, 10), t(2027, 3, 14, 12), False, True),
    ("spring-an-hour-later-24h", t(2027, 3, 13, 10), t(2027, 3, 14, 11), t(2027, 3, 14, 12), True, True),
    # Fall back (1 November 2026, 02:00 → 01:00): an earlier wall-clock time can already be 24 hours away.
    ("fall-09:30-is-24.5h", t(2026, 10, 31, 10), t(2026, 11, 1, 9, 30), t(2026, 11, 1, 11), True, True),
    ("fall-08:30-is-23.5h", t(2026, 10, 31, 10), t(2026, 11, 1, 8, 30), t(2026, 11, 1, 11), False, True),
    ("fall-08:00-20:00-local", t(2026, 10, 30, 10), t(2026, 11, 1, 8), t(2026, 11, 1, 20), True, True),
]


def _ok(decision: EntryDecision, rule: str) -> bool:
    return next(c for c in decision.checks if c.rule == rule).ok


@pytest.mark.parametrize(("now", "starts", "ends", "notice", "hours"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_notice_windows(now: datetime, starts: datetime, ends: datetime, notice: bool, hours: bool) -> None:
    decision = check_window(starts, ends, now=now, zone=ZONE)
    assert decision.basis is Basis.NOTICE
    assert (_ok(decision, "notice_24_hours"), _ok(decision, "between_8am_and_8pm")) == (notice, hours)
    assert decision.allowed is (notice and hours)
    assert not any(c.waived for c in decision.checks)


@pytest.mark.parametrize(("now", "starts", "ends", "notice", "hours"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
@pytest.mark.parametrize("waiver", ["emergency", "approved_by_lead"])
def test_an_emergency_or_the_lead_tenants_approval_waives_both_rules(
        now: datetime, starts: datetime, ends: datetime, notice: bool, hours: bool, waiver: str) -> None:
    decision = check_window(starts, ends, now=now, zone=ZONE, **{waiver: True})
    assert decision.allowed
    assert decision.basis is (Basis.EMERGENCY if waiver == "emergency" else Basis.TENANT_APPROVAL)
    waived = {c.rule for c in decision.checks if c.waived}
    assert waived == {rule for rule, ok in (("notice_24_hours", notice), ("between_8am_and_8pm", hours)) if not ok}
    assert all("RTA 2006, s. 26(1)" in c.message for c in decision.checks if c.waived)


def test_emergency_at_night_two_hours_ahead() -> None:
    now = t(2026, 12, 7, 22, 0)
    decision = check_window(t(2026, 12, 7, 23, 30), t(2026, 12, 8, 1, 0), now=now, zone=ZONE, emergency=True)
    assert decision.allowed and {c.rule for c in decision.checks if c.waived} == {
        "notice_24_hours", "between_8am_and_8pm"}


@pytest.mark.parametrize(("starts", "ends"), [
    (t(2026, 12, 9, 12), t(2026, 12, 9, 10)),  # ends before it starts
    (t(2026, 12, 9, 12), t(2026, 12, 9, 12)),  # empty
    (t(2026, 12, 6, 10), t(2026, 12, 6, 12)),  # already over
])
@pytest.mark.parametrize("emergency", [False, True])
def test_a_malformed_window_is_refused_even_in_an_emergency(starts: datetime, ends: datetime,
                                                            emergency: bool) -> None:
    decision = check_window(starts, ends, now=NOW, zone=ZONE, emergency=emergency)
    assert not decision.allowed and not _ok(decision, "window")


def test_checks_carry_rules_and_citations() -> None:
    decision = check_window(t(2026, 12, 8, 10), t(2026, 12, 8, 12), now=NOW, zone=ZONE)
    cited = {c.rule: c.citation for c in decision.checks}
    assert cited["notice_24_hours"] == "RTA 2006, s. 27(1) para. 3"
    assert cited["between_8am_and_8pm"] == "RTA 2006, s. 27(3)"
    assert "2026-12-08 10:00 America/Toronto" in next(c.message for c in decision.checks
                                                      if c.rule == "between_8am_and_8pm")


def test_require_allowed_is_a_422_naming_rule_and_citation() -> None:
    ok = check_window(t(2026, 12, 8, 10), t(2026, 12, 8, 12), now=NOW, zone=ZONE)
    assert require_allowed(ok) is ok
    with pytest.raises(EntryRefused) as refused:
        require_allowed(check_window(t(2026, 12, 7, 11), t(2026, 12, 7, 21), now=NOW, zone=ZONE))
    error = refused.value
    assert status_of(error) == 422 and error.code == "VALIDATION_FAILED"
    messages = [d.message for d in error.details]
    assert len(messages) == 2
    assert any("notice_24_hours; RTA 2006, s. 27(1) para. 3" in m for m in messages)
    assert any("between_8am_and_8pm; RTA 2006, s. 27(3)" in m for m in messages)
    assert {d.field for d in error.details} == {"starts_at"}


def test_zoned_inputs_are_judged_by_elapsed_time() -> None:
    """Passing Toronto-zoned datetimes (one tzinfo) must not turn the 24 hours into wall-clock hours."""
    now = datetime(2027, 3, 13, 10, 0, tzinfo=_TZ)
    starts, ends = datetime(2027, 3, 14, 10, 0, tzinfo=_TZ), datetime(2027, 3, 14, 12, 0, tzinfo=_TZ)
    assert not check_window(starts, ends, now=now, zone=ZONE).allowed


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        check_window(datetime(2026, 12, 8, 10), datetime(2026, 12, 8, 12), now=NOW, zone=ZONE)
