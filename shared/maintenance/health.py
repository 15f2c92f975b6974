"""A property's maintenance health: a 0–100 score, its risks with evidence, and the seasonal tasks.

The inputs are the property's counter rows (`counters.CategoryMonth`, at most 96 for the last 12
months, however many orders there were), the dates its seasonal tasks were last done, and the moment
and time zone to judge by. The score starts at 100 and loses, with each loss a risk:

- repeat: a category had ≥ 3 orders in the 12 months (this month and the 11 before): 5 points per
  order beyond 2, at most 20 per category;
- open_emergency: an emergency of those months is not done: 15 each, at most 45 in all;
- overdue: orders of those months went past their SLA: 3 each, at most 24 in all;
- seasonal: a seasonal task was not done by its date (the miss counts until its next window opens):
  10 each.

The score is 100 minus the points, never below 0. A risk past its cap is still listed (with the
points it still adds, possibly 0). Risks come most points first; evidence lists up to
`MAX_EVIDENCE` work-order ids, newest month first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.maintenance.counters import MAX_EVIDENCE, CategoryMonth
from shared.maintenance.models import Category
from shared.maintenance.season import local_day

WINDOW_MONTHS = 12
REPEAT_AT = 3
REPEAT_POINTS, REPEAT_CAP = 5, 20
EMERGENCY_POINTS, EMERGENCY_CAP = 15, 45
OVERDUE_POINTS, OVERDUE_CAP = 3, 24
SEASONAL_POINTS = 10


class RiskKind(StrEnum):
    REPEAT = "repeat"
    OPEN_EMERGENCY = "open_emergency"
    OVERDUE = "overdue"
    SEASONAL = "seasonal"


class SeasonalTask(StrEnum):
    HEATING_SERVICED = "heating_serviced"
    WINTERIZED = "winterized"


@dataclass(frozen=True)
class TaskRule:
    task: SeasonalTask
    opens: tuple[int, int]  # (month, day) the year's window opens: work done from then counts
    due: tuple[int, int]  # (month, day) it must be done by, inclusive
    category: Category
    recommendation: str


SEASONAL_TASKS: tuple[TaskRule, ...] = (
    TaskRule(SeasonalTask.HEATING_SERVICED, (6, 1), (9, 30), Category.HEATING,
             "Have the furnace or boiler serviced and the thermostats checked before October, ahead of the "
             "heating season."),
    TaskRule(SeasonalTask.WINTERIZED, (8, 1), (10, 31), Category.PLUMBING,
             "Winterize before November: shut off and drain outdoor taps and irrigation, clear eavestroughs and "
             "downspouts, check weather-stripping and pipes in unheated spaces."),
)

REPEAT_ADVICE: dict[Category, str] = {
    Category.PLUMBING: "Have a licensed plumber inspect the supply and drain lines instead of fixing each call.",
    Category.ELECTRICAL: "Have a licensed electrician (ECRA/ESA) inspect the panel and circuits.",
    Category.HEATING: "Have a heating contractor inspect the system; repeated calls point at one root cause.",
    Category.APPLIANCE: "Compare the repair costs with replacing the appliances that keep failing.",
    Category.PEST: "Book a building-wide pest treatment: treating one unit moves pests to the next.",
    Category.STRUCTURAL: "Commission a building-envelope or structural assessment.",
    Category.COMMON_AREA: "Review the common-area cleaning and inspection schedule.",
    Category.OTHER: "Look for a common cause across these orders.",
}


@dataclass(frozen=True)
class Risk:
    kind: RiskKind
    category: Category
    reason: str
    evidence: tuple[str, ...]
    recommendation: str
    points: int


@dataclass(frozen=True)
class Seasonal:
    task: SeasonalTask
    due_by: date
    status: str  # "done" | "due" | "missed"
    done_on: date | None = None


@dataclass(frozen=True)
class Health:
    score: int
    risks: tuple[Risk, ...]
    seasonal: tuple[Seasonal, ...]


def window(today: date, months: int = WINDOW_MONTHS) -> list[str]:
    """The `months` months ending with today's, as YYYY-MM, newest first."""
    index = today.year * 12 + today.month - 1
    return [f"{(index - n) // 12:04d}-{(index - n) % 12 + 1:02d}" for n in range(months)]


def _evidence(rows: Iterable[CategoryMonth], attribute: str) -> tuple[str, ...]:
    ids: list[str] = []
    for row in rows:  # newest month first; within a month, ids sort by time (ULIDs)
        ids.extend(sorted(getattr(row, attribute), reverse=True))
    return tuple(ids[:MAX_EVIDENCE])


def _by_category(rows: Iterable[CategoryMonth], months: list[str]) -> dict[Category, list[CategoryMonth]]:
    order = {month: n for n, month in enumerate(months)}
    grouped: dict[Category, list[CategoryMonth]] = {}
    for row in sorted((r for r in rows if r.month in order), key=lambda r: order[r.month]):
        grouped.setdefault(row.category, []).append(row)
    return grouped


def _capped(risks: list[Risk], cap: int) -> list[Risk]:
    """Trim points so their sum is at most `cap`, taking from the last risks first."""
    left, out = cap, []
    for risk in risks:
        points = min(risk.points, left)
        left -= points
        out.append(Risk(risk.kind, risk.category, risk.reason, risk.evidence, risk.recommendation, points))
    return out


def _order_risks(grouped: Mapping[Category, list[CategoryMonth]]) -> list[Risk]:
    repeats, emergencies, overdue = [], [], []
    for category, rows in grouped.items():
        opened = sum(r.opened for r in rows)
        if opened >= REPEAT_AT:
            repeats.append(Risk(
                RiskKind.REPEAT, category, f"{opened} {category} orders in the last {WINDOW_MONTHS} months.",
                _evidence(rows, "order_ids"), REPEAT_ADVICE[category],
                min(REPEAT_CAP, REPEAT_POINTS * (opened - REPEAT_AT + 1))))
        open_ids = _evidence(rows, "open_emergency_ids")
        if open_ids:
            count = sum(len(r.open_emergency_ids) for r in rows)
            emergencies.append(Risk(
                RiskKind.OPEN_EMERGENCY, category, f"{count} {category} emergenc{'y is' if count == 1 else 'ies are'}"
                " still open.", open_ids,
                "Resolve it now and confirm the on-call contact reached it; then close the order.",
                EMERGENCY_POINTS * count))
        late = sum(r.overdue for r in rows)
        if late:
            overdue.append(Risk(
                RiskKind.OVERDUE, category, f"{late} {category} order{'s' if late != 1 else ''} went past the SLA.",
                _evidence(rows, "overdue_ids"),
                "Reassign or add vendor capacity for this trade, and check that its SLA hours are realistic.",
                OVERDUE_POINTS * late))
    emergencies.sort(key=lambda r: -r.points)
    overdue.sort(key=lambda r: -r.points)
    return repeats + _capped(emergencies, EMERGENCY_CAP) + _capped(overdue, OVERDUE_CAP)


def task_done_by(category: Category, day: date) -> SeasonalTask | None:
    """The seasonal task an order of `category` completed on `day` (community time) counts as: the task of
    that category whose window (`opens` to `due`, inclusive) holds the day. A completion outside the window
    does not count: a plumbing repair in January is not a winterization, and a late service leaves the
    task missed for its cycle."""
    for rule in SEASONAL_TASKS:
        opens, due = date(day.year, *rule.opens), date(day.year, *rule.due)
        if rule.category == category and opens <= day <= due:
            return rule.task
    return None


def seasonal_status(rule: TaskRule, today: date, done_on: date | None) -> Seasonal:
    """The task's current cycle: the latest window that has opened by today."""
    year = today.year if (today.month, today.day) >= rule.opens else today.year - 1
    opens, due_by = date(year, *rule.opens), date(year, *rule.due)
    if done_on is not None and opens <= done_on <= today:
        return Seasonal(rule.task, due_by, "done", done_on)
    return Seasonal(rule.task, due_by, "missed" if today > due_by else "due", done_on)


def _seasonal(today: date, done: Mapping[SeasonalTask, date]) -> tuple[tuple[Seasonal, ...], list[Risk]]:
    statuses, risks = [], []
    for rule in SEASONAL_TASKS:
        status = seasonal_status(rule, today, done.get(rule.task))
        statuses.append(status)
        if status.status == "missed":
            risks.append(Risk(RiskKind.SEASONAL, rule.category,
                              f"{rule.task.replace('_', ' ').capitalize()} was not done by {status.due_by}.",
                              (), rule.recommendation, SEASONAL_POINTS))
    return tuple(statuses), risks


def health(rows: Iterable[CategoryMonth], seasonal_done: Mapping[SeasonalTask, date], *, at: datetime,
           zone: str) -> Health:
    """Score the property as of `at` in the community's `zone` (the same inputs always score the same)."""
    ZoneInfo(zone)  # an unknown zone fails here, loudly
    today = local_day(at, zone)
    risks = _order_risks(_by_category(rows, window(today)))
    seasonal, seasonal_risks = _seasonal(today, seasonal_done)
    risks += seasonal_risks
    kinds = list(RiskKind)
    risks.sort(key=lambda r: (-r.points, kinds.index(r.kind), r.category.value))
    score = max(0, 100 - sum(r.points for r in risks))
    return Health(score=score, risks=tuple(risks), seasonal=seasonal)
