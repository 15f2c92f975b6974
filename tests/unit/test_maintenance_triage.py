"""Triage rules, case by case: every rule and baseline, and the heating season's edges in community time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared.community.settings import HeatingSeason
from shared.maintenance.models import Answers, Category, Priority
from shared.maintenance.season import local_day
from shared.maintenance.triage import BASELINES, RULES, triage

pytestmark = pytest.mark.unit

C, P = Category, Priority
TORONTO = "America/Toronto"
WINTER = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # inside the default heating season
SUMMER = datetime(2026, 7, 15, 15, 0, tzinfo=UTC)  # outside it

# (case id, category, answers answered yes, when, severity, the rule expected first)
CASES = [
    ("gas", C.HEATING, {"gas_smell"}, SUMMER, P.EMERGENCY, "gas_smell"),
    ("gas-any-category", C.OTHER, {"gas_smell"}, WINTER, P.EMERGENCY, "gas_smell"),
    ("flooding", C.PLUMBING, {"flooding"}, SUMMER, P.EMERGENCY, "flooding"),
    ("sparks", C.ELECTRICAL, {"sparks_or_burning"}, SUMMER, P.EMERGENCY, "sparks_or_burning"),
    ("sewage", C.PLUMBING, {"sewage_backup"}, SUMMER, P.EMERGENCY, "sewage_backup"),
    ("breach", C.COMMON_AREA, {"security_breach"}, SUMMER, P.EMERGENCY, "security_breach"),
    ("no-heat-in-season", C.HEATING, {"no_heat"}, WINTER, P.EMERGENCY, "no_heat_in_season"),
    ("no-heat-out-of-season", C.HEATING, {"no_heat"}, SUMMER, P.HIGH, "no_heat"),
    ("leak", C.PLUMBING, {"active_leak"}, SUMMER, P.HIGH, "active_leak"),
    ("leak-in-electrical", C.ELECTRICAL, {"active_leak"}, SUMMER, P.EMERGENCY, "active_leak_electrical"),
    ("no-water", C.PLUMBING, {"no_water"}, WINTER, P.HIGH, "no_water"),
    ("no-power", C.ELECTRICAL, {"no_power"}, WINTER, P.HIGH, "no_power"),
    ("no-cooling-summer", C.APPLIANCE, {"no_cooling"}, SUMMER, P.HIGH, "no_cooling_summer"),
    ("no-cooling-winter", C.APPLIANCE, {"no_cooling"}, WINTER, P.MEDIUM, "no_cooling"),
    ("locked-out", C.OTHER, {"locked_out"}, WINTER, P.HIGH, "locked_out"),
    ("pests", C.PEST, {"pests_seen"}, WINTER, P.MEDIUM, "pests_seen"),
    ("highest-wins", C.PLUMBING, {"pests_seen", "active_leak", "sewage_backup"}, SUMMER, P.EMERGENCY,
     "sewage_backup"),
    ("two-emergencies-table-order", C.HEATING, {"no_heat", "gas_smell"}, WINTER, P.EMERGENCY, "gas_smell"),
    *[(f"baseline-{b.category}", b.category, set(), SUMMER, b.severity, f"baseline_{b.category}")
      for b in BASELINES.values()],
]


@pytest.mark.parametrize(("category", "yes", "at", "severity", "first"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_triage_cases(category: Category, yes: set[str], at: datetime, severity: Priority, first: str) -> None:
    result = triage(category, Answers(**dict.fromkeys(yes, True)), at=at, zone=TORONTO)
    assert result.severity is severity
    assert result.findings[0].rule == first
    assert [f.severity.rank for f in result.findings] == sorted((f.severity.rank for f in result.findings),
                                                                reverse=True)
    assert all(reason for reason in result.reasons)


def test_every_rule_and_baseline_has_a_case() -> None:
    covered = {c[5] for c in CASES}
    assert {r.id for r in RULES} <= covered
    assert {f"baseline_{c}" for c in Category} <= covered
    assert set(BASELINES) == set(Category)


def test_the_docs_list_every_rule() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "work-orders.md").read_text()
    assert all(f"| `{rule.id}` |" in text for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_says_why_and_what_to_do(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.answer in Answers.model_fields
    assert rule.reason and rule.self_help
    assert all(c.ref and c.text for c in rule.citations)


def test_the_five_contract_emergencies_are_emergencies_in_every_category_and_season() -> None:
    for answer in ("gas_smell", "flooding", "sparks_or_burning", "sewage_backup", "security_breach"):
        for category in Category:
            for at in (WINTER, SUMMER):
                assert triage(category, Answers(**{answer: True}), at=at, zone=TORONTO).severity is P.EMERGENCY


def test_gas_self_help_says_leave_and_call_the_utility_first() -> None:
    result = triage(C.HEATING, Answers(gas_smell=True, no_heat=True, pests_seen=True), at=WINTER, zone=TORONTO)
    assert result.self_help[0].startswith("Leave the unit now")
    assert any("gas utility" in step for step in result.self_help[:3])
    assert len(result.self_help) == len(set(result.self_help))  # shared steps appear once


def test_no_heat_in_season_cites_the_heat_bylaws_and_names_the_season() -> None:
    finding = triage(C.HEATING, Answers(no_heat=True), at=WINTER, zone=TORONTO).findings[0]
    refs = [c.ref for c in finding.citations]
    assert any("Toronto Municipal Code, ch. 497" in ref for ref in refs)
    assert any("Ottawa" in ref for ref in refs)
    assert "15 September to 1 June" in finding.reason


def _toronto(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(TORONTO))


SEASON_EDGES = [
    ("14-sep-late-evening", _toronto(2026, 9, 14, 23, 59), P.HIGH),
    ("15-sep-midnight", _toronto(2026, 9, 15, 0, 0), P.EMERGENCY),
    ("1-jun-late-evening", _toronto(2027, 6, 1, 23, 59), P.EMERGENCY),
    ("2-jun-midnight", _toronto(2027, 6, 2, 0, 0), P.HIGH),
    ("new-year", _toronto(2027, 1, 1, 12), P.EMERGENCY),
    ("leap-day", _toronto(2028, 2, 29, 12), P.EMERGENCY),
]


@pytest.mark.parametrize(("at", "severity"), [c[1:] for c in SEASON_EDGES], ids=[c[0] for c in SEASON_EDGES])
def test_heating_season_edges_in_toronto_time(at: datetime, severity: Priority) -> None:
    assert triage(C.HEATING, Answers(no_heat=True), at=at.astimezone(UTC), zone=TORONTO).severity is severity


def test_the_season_is_judged_on_the_communitys_calendar_not_utc() -> None:
    instant = datetime(2026, 9, 15, 2, 0, tzinfo=UTC)  # 14 September, 22:00 in Toronto
    assert triage(C.HEATING, Answers(no_heat=True), at=instant, zone=TORONTO).severity is P.HIGH
    assert triage(C.HEATING, Answers(no_heat=True), at=instant, zone="UTC").severity is P.EMERGENCY
    june = datetime(2027, 6, 2, 3, 0, tzinfo=UTC)  # 1 June, 23:00 in Toronto
    assert triage(C.HEATING, Answers(no_heat=True), at=june, zone=TORONTO).in_heating_season
    assert not triage(C.HEATING, Answers(no_heat=True), at=june, zone="UTC").in_heating_season


def test_a_community_can_set_its_own_season() -> None:
    london = HeatingSeason(starts="09-15", ends="06-15")  # London, Ontario runs to 15 June
    at = _toronto(2027, 6, 10, 12)
    assert triage(C.HEATING, Answers(no_heat=True), at=at, zone=TORONTO).severity is P.HIGH
    assert triage(C.HEATING, Answers(no_heat=True), at=at, zone=TORONTO, season=london).severity is P.EMERGENCY
    assert "15 September to 15 June" in triage(C.HEATING, Answers(no_heat=True), at=at, zone=TORONTO,
                                               season=london).reasons[0]


@pytest.mark.parametrize(("season", "inside", "outside"), [
    (HeatingSeason(), [date(2026, 9, 15), date(2027, 6, 1), date(2026, 12, 31)], [date(2026, 9, 14),
                                                                                  date(2026, 6, 2)]),
    (HeatingSeason(starts="03-01", ends="03-31"), [date(2026, 3, 1), date(2026, 3, 31)], [date(2026, 2, 28),
                                                                                       date(2026, 4, 1)]),
    (HeatingSeason(starts="01-01", ends="12-31"), [date(2026, 1, 1), date(2026, 12, 31)], []),
])
def test_season_membership(season: HeatingSeason, inside: list[date], outside: list[date]) -> None:
    assert all(season.contains(day) for day in inside)
    assert not any(season.contains(day) for day in outside)


@pytest.mark.parametrize("bad", ["9-15", "13-01", "02-30", "00-10", "09/15", ""])
def test_season_dates_are_validated(bad: str) -> None:
    with pytest.raises(ValidationError):
        HeatingSeason(starts=bad)
    assert HeatingSeason(starts="02-29").contains(date(2028, 2, 29))


def test_answers_are_strict_booleans_and_known_questions() -> None:
    with pytest.raises(ValidationError):
        Answers.model_validate({"gas_smell": "yes"})
    with pytest.raises(ValidationError):
        Answers.model_validate({"gas_smell": 1})
    with pytest.raises(ValidationError):
        Answers.model_validate({"smoke": True})
    assert Answers.model_validate({}).yes() == frozenset()


def test_triage_is_deterministic_and_refuses_a_naive_moment() -> None:
    first = triage(C.PLUMBING, Answers(active_leak=True, no_water=True), at=WINTER, zone=TORONTO)
    assert first == triage(C.PLUMBING, Answers(active_leak=True, no_water=True), at=WINTER, zone=TORONTO)
    with pytest.raises(ValueError):
        triage(C.PLUMBING, Answers(), at=datetime(2026, 12, 2, 12), zone=TORONTO)


def test_local_day_uses_the_offset_of_the_instant() -> None:
    eastern = timezone(timedelta(hours=-5))
    assert local_day(datetime(2026, 9, 15, 1, 0, tzinfo=eastern), "UTC") == date(2026, 9, 15)
    assert local_day(datetime(2026, 9, 15, 1, 0, tzinfo=UTC), TORONTO) == date(2026, 9, 14)


def test_the_service_judges_by_the_communitys_calendar() -> None:
    from dataclasses import dataclass

    from shared.maintenance import service
    from shared.maintenance.schemas import TriageRequest
    from shared.platform.context import Caller
    from shared.spec.permissions import Role

    @dataclass(frozen=True)
    class Community:
        timezone: str
        heating_season: HeatingSeason

    asked: list[str] = []

    def calendar_of(community_id: str) -> Community:
        asked.append(community_id)
        return Community(TORONTO, HeatingSeason(starts="09-15", ends="06-15"))

    caller = Caller(user_id="u1", community_id="c1", role=Role.TENANT, session_id="s1")
    request = TriageRequest.model_validate({"category": "heating", "answers": {"no_heat": True}})
    answer = service.triage(caller, request, calendar_of=calendar_of, at=_toronto(2027, 6, 10, 12))
    assert asked == ["c1"]
    assert answer.severity is P.EMERGENCY and answer.in_heating_season
    assert answer.rules[0].rule == "no_heat_in_season" and answer.rules[0].citations
    assert answer.reasons == [answer.rules[0].reason]
