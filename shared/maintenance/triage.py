"""Safety triage: a category and the contract's yes/no answers → severity, reasons and what to do first.

The rules are a table (`RULES`), not code paths: each names the question that triggers it, the
categories and season it applies in, the severity it asks for, why (citing the law where one
applies) and the self-help steps for the person reporting. Every rule whose conditions hold
applies; the severity is the highest of them. When no answer-rule applies, the category's baseline
(`BASELINES`) decides. The only clock input is the day of `at` in the community's time zone, so a
triage is the same for the same inputs, whenever it is re-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.community.settings import HeatingSeason
from shared.maintenance import citations as law
from shared.maintenance.citations import Citation
from shared.maintenance.models import Answers, Category, Priority
from shared.maintenance.season import local_day

LOW, MEDIUM, HIGH, EMERGENCY = Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.EMERGENCY
_ALL = frozenset(Category)


@dataclass(frozen=True)
class Rule:
    id: str
    answer: str  # the question (an `Answers` field) that, answered yes, triggers the rule
    severity: Priority
    reason: str  # may name `{season}`: the community's heating season, e.g. "15 September to 1 June"
    self_help: tuple[str, ...] = ()
    categories: frozenset[Category] = _ALL
    in_heating_season: bool | None = None  # True: only inside it; False: only outside; None: all year
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Baseline:
    category: Category
    severity: Priority
    reason: str


_LEAVE_AND_CALL = "If anyone is hurt or in danger, call 911."

RULES: tuple[Rule, ...] = (
    Rule("gas_smell", "gas_smell", EMERGENCY,
         "A smell of gas can mean a leak that may ignite or poison: it is handled at once.",
         ("Leave the unit now and take everyone with you.",
          "Do not switch lights or appliances on or off, use a phone, light a flame or start a car inside "
          "or near the building.",
          "From outside, call the gas utility's emergency line (Enbridge Gas: 1-866-763-5427) or 911.")),
    Rule("flooding", "flooding", EMERGENCY,
         "Standing or spreading water damages the building quickly and can reach electrical wiring.",
         ("Stay out of water that may touch outlets, cords or appliances.",
          "If you can reach it safely, close the main water shut-off valve (often near the water meter).",
          "Move valuables and electronics off the floor; take photos for the record.")),
    Rule("sparks_or_burning", "sparks_or_burning", EMERGENCY,
         "Sparks, smoke or a burning smell from wiring or an appliance is a fire risk.",
         ("If there is smoke or fire, leave and call 911 from outside.",
          "Otherwise, if it is safe, switch the circuit off at the breaker panel and unplug the appliance; "
          "do not touch anything hot or wet.")),
    Rule("sewage_backup", "sewage_backup", EMERGENCY,
         "Sewage coming back up is a health hazard and spreads damage to other units.",
         ("Stop using sinks, toilets, the washer and the dishwasher until it is fixed.",
          "Keep children and pets away from the water; do not touch it without gloves.",
          "Open windows if you can.")),
    Rule("security_breach", "security_breach", EMERGENCY,
         "A broken entry, lock or window leaves the home or building open to anyone.",
         (_LEAVE_AND_CALL + " If someone may still be inside, stay out and call the police.",
          "Wait somewhere safe; do not confront anyone.")),
    Rule("no_heat_in_season", "no_heat", EMERGENCY,
         "No heat during the heating season ({season}): the landlord must keep the unit heated (Toronto: "
         "21 °C; Ottawa: 20 °C by day), and heat is a vital service in that part of the year.",
         ("Check that the thermostat is set to heat and above the room temperature, and replace its batteries.",
          "Check the breaker and the furnace or boiler switch; do not open or relight equipment yourself.",
          "Do not heat the home with an oven, a barbecue or a fuel heater; an electric space heater away "
          "from curtains and bedding is safer."),
         in_heating_season=True,
         citations=(law.TORONTO_HEAT, law.OTTAWA_HEAT, law.RTA_VITAL_SERVICES)),
    Rule("no_heat", "no_heat", HIGH,
         "No heat outside the heating season ({season}) is not an emergency but the heating must still work.",
         ("Check that the thermostat is set to heat and above the room temperature, and replace its batteries.",
          "Check the breaker and the furnace or boiler switch; do not open or relight equipment yourself."),
         in_heating_season=False, citations=(law.RTA_MAINTENANCE,)),
    Rule("active_leak_electrical", "active_leak", EMERGENCY,
         "Water leaking in or around electrical fixtures can cause shocks or a fire.",
         ("Switch the affected circuit off at the breaker panel if you can do so without touching water.",
          "Keep away from wet outlets, switches and light fixtures."),
         categories=frozenset({Category.ELECTRICAL})),
    Rule("active_leak", "active_leak", HIGH,
         "An active leak damages walls, floors and the unit below within hours.",
         ("Close the shut-off valve under or behind the fixture, or the main valve if the leak is in a pipe.",
          "Put a bucket or towels under it and move things that could get wet or that are plugged in."),
         categories=_ALL - {Category.ELECTRICAL}, citations=(law.RTA_MAINTENANCE,)),
    Rule("no_water", "no_water", HIGH,
         "Water is a vital service the landlord may not withhold.",
         ("Ask a neighbour whether they have water too: if not, it may be a city outage or repair.",
          "Check that the shut-off valves under the sinks and behind the toilet are open."),
         citations=(law.RTA_VITAL_SERVICES,)),
    Rule("no_power", "no_power", HIGH,
         "Electricity is a vital service the landlord may not withhold.",
         ("Check the breaker panel for a tripped breaker and reset it once; if it trips again, leave it off.",
          "If the street or the building is dark too, check the electricity utility's outage map."),
         citations=(law.RTA_VITAL_SERVICES,)),
    Rule("no_cooling_summer", "no_cooling", HIGH,
         "Outside the heating season ({season}) air conditioning the building provides must run (Toronto: "
         "2 June to 14 September), and heat waves are a health risk.",
         ("Close blinds on sunny windows, use fans, drink water and spend the hottest hours somewhere cool.",
          "Check the unit's breaker and filter; clear anything blocking its vents."),
         in_heating_season=False, citations=(law.TORONTO_COOLING, law.RTA_MAINTENANCE)),
    Rule("no_cooling", "no_cooling", MEDIUM,
         "Cooling the landlord provides must be kept in repair, but in the heating season ({season}) it is "
         "rarely urgent.",
         ("Check the unit's breaker and filter; clear anything blocking its vents.",),
         in_heating_season=True, citations=(law.RTA_MAINTENANCE,)),
    Rule("locked_out", "locked_out", HIGH,
         "The person cannot get into their home.",
         ("Ask anyone else on the lease, or someone you left a key with, first.",
          "Wait somewhere safe and warm; do not force a door or window.")),
    Rule("pests_seen", "pests_seen", MEDIUM,
         "Pests spread between units; the landlord must keep the building free of them.",
         ("Keep food sealed and take garbage out daily.",
          "Do not use foggers or bug bombs: they spread pests such as bed bugs to other units.",
          "Note where and when you see them; a photo helps the exterminator."),
         citations=(law.RTA_MAINTENANCE,)),
)

BASELINES: dict[Category, Baseline] = {b.category: b for b in (
    Baseline(Category.PLUMBING, LOW, "A plumbing problem without a leak, flood or backup can wait for a visit."),
    Baseline(Category.ELECTRICAL, MEDIUM,
             "Electrical faults are looked at within days even without sparks: they can get worse unseen."),
    Baseline(Category.HEATING, MEDIUM, "Heating that works but badly is looked at within days."),
    Baseline(Category.APPLIANCE, MEDIUM, "An appliance the landlord provides must be kept in repair."),
    Baseline(Category.PEST, LOW, "No pests reported seen yet: an inspection is booked."),
    Baseline(Category.STRUCTURAL, MEDIUM, "Structural problems are inspected before they spread."),
    Baseline(Category.COMMON_AREA, LOW, "A common-area problem that is not a hazard is scheduled."),
    Baseline(Category.OTHER, LOW, "Nothing urgent was reported."),
)}


@dataclass(frozen=True)
class Finding:
    """One rule that applied: what it asked for and why."""

    rule: str
    severity: Priority
    reason: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Triage:
    severity: Priority
    findings: tuple[Finding, ...]  # highest severity first, then in table order
    self_help: tuple[str, ...]  # the most urgent rule's steps first, duplicates dropped
    in_heating_season: bool

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.findings]


def _applies(rule: Rule, category: Category, yes: frozenset[str], in_season: bool) -> bool:
    return (rule.answer in yes and category in rule.categories
            and (rule.in_heating_season is None or rule.in_heating_season == in_season))


def triage(category: Category, answers: Answers, *, at: datetime, zone: str,
           season: HeatingSeason | None = None) -> Triage:
    """Apply `RULES` to the answers, judging the season on `at`'s day in `zone`."""
    season = season or HeatingSeason()
    in_season = season.contains(local_day(at, zone))
    yes = answers.yes()
    matched = [rule for rule in RULES if _applies(rule, category, yes, in_season)]
    matched.sort(key=lambda rule: -rule.severity.rank)  # stable: table order within a severity
    findings = tuple(Finding(r.id, r.severity, r.reason.format(season=season.describe()), r.citations)
                     for r in matched)
    if not findings:
        baseline = BASELINES[category]
        findings = (Finding(f"baseline_{category}", baseline.severity, baseline.reason),)
    steps = [step for rule in matched for step in rule.self_help]
    return Triage(severity=findings[0].severity, findings=findings, self_help=tuple(dict.fromkeys(steps)),
                  in_heating_season=in_season)
