"""Reminder dates per notice (the contract's list) and the rent-increase plan row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.notices import plan, reminders
from shared.notices.models import NoticeType, ServiceMethod
from tests.support.notices import d, tenancy

pytestmark = pytest.mark.unit


def due(found: tuple[reminders.Reminder, ...]) -> list[tuple[str, str, str]]:
    return [(r.kind, r.due_on.isoformat(), r.about_on.isoformat()) for r in found]


# (effective, expected reminders for a draft N1 (kind, due, about))
N1_DRAFT = [
    ("2027-04-01", [
        ("serve_by_mail", "2026-12-13", "2026-12-27"),
        ("serve_by_hand", "2026-12-18", "2027-01-01"),
        ("serve_by_mail", "2026-12-26", "2026-12-27"),
        ("serve_by_hand", "2026-12-31", "2027-01-01"),
        ("increase_date", "2027-04-01", "2027-04-01"),
    ]),
    ("2027-03-01", [
        ("serve_by_mail", "2026-11-12", "2026-11-26"),
        ("serve_by_hand", "2026-11-17", "2026-12-01"),
        ("serve_by_mail", "2026-11-25", "2026-11-26"),
        ("serve_by_hand", "2026-11-30", "2026-12-01"),
        ("increase_date", "2027-03-01", "2027-03-01"),
    ]),
    ("2028-05-31", [
        ("serve_by_mail", "2028-02-12", "2028-02-26"),
        ("serve_by_hand", "2028-02-17", "2028-03-02"),
        ("serve_by_mail", "2028-02-25", "2028-02-26"),
        ("serve_by_hand", "2028-03-01", "2028-03-02"),
        ("increase_date", "2028-05-31", "2028-05-31"),
    ]),
]


@pytest.mark.parametrize(("effective", "expected"), N1_DRAFT)
def test_n1_draft_reminders(effective: str, expected: list[tuple[str, str, str]]) -> None:
    found = reminders.reminders(NoticeType.N1, d(effective), served=False, on=d("2026-11-01"))
    assert due(found) == expected
    assert all("s.116" in r.citation for r in found)
    assert len({r.key for r in found}) == len(found)


def test_a_served_n1_keeps_only_the_increase_date() -> None:
    found = reminders.reminders(NoticeType.N1, d("2027-04-01"), served=True, on=d("2026-12-02"))
    assert due(found) == [("increase_date", "2027-04-01", "2027-04-01")]


@pytest.mark.parametrize(
    ("notice", "termination", "expected"),
    [
        (NoticeType.N4, "2026-11-21", [("termination_date", "2026-11-21", "2026-11-21"),
                                       ("l1_window", "2026-12-14", "2026-12-21")]),
        (NoticeType.N4, "2026-12-15", [("termination_date", "2026-12-15", "2026-12-15"),
                                       ("l1_window", "2027-01-07", "2027-01-14")]),
        (NoticeType.N4, "2027-02-01", [("termination_date", "2027-02-01", "2027-02-01"),
                                       ("l1_window", "2027-02-24", "2027-03-03")]),
        (NoticeType.N11, "2027-01-31", [("termination_date", "2027-01-31", "2027-01-31"),
                                        ("l3_window", "2027-02-23", "2027-03-02")]),
        (NoticeType.N11, "2026-12-31", [("termination_date", "2026-12-31", "2026-12-31"),
                                        ("l3_window", "2027-01-23", "2027-01-30")]),
    ],
)
def test_termination_reminders(notice: NoticeType, termination: str, expected: list[tuple[str, str, str]]) -> None:
    found = reminders.reminders(notice, d(termination), served=True, on=d("2026-11-02"))
    assert due(found) == expected
    citations = [r.citation for r in found]
    assert citations[1] == ("RTA s.69(2)" if notice == NoticeType.N4 else "RTA s.77(2)")
    assert "30 days" not in found[1].message and "in 7 days" in found[1].message


@pytest.mark.parametrize("notice", [NoticeType.N4, NoticeType.N11])
def test_n4_and_n11_drafts_have_no_reminders(notice: NoticeType) -> None:
    assert reminders.reminders(notice, d("2027-01-31"), served=False, on=d("2026-11-02")) == ()


def test_reminders_already_past_can_be_dropped() -> None:
    found = reminders.reminders(NoticeType.N1, d("2027-03-01"), served=False, on=d("2026-11-20"),
                                not_before=d("2026-11-26"))
    assert due(found) == [("serve_by_hand", "2026-11-30", "2026-12-01"), ("increase_date", "2027-03-01", "2027-03-01")]


def test_recomputing_gives_the_same_keys() -> None:
    first = reminders.reminders(NoticeType.N4, d("2027-01-15"), served=True, on=d("2026-12-02"))
    again = reminders.reminders(NoticeType.N4, d("2027-01-15"), served=True, on=d("2026-12-02"))
    assert [r.key for r in first] == [r.key for r in again] == ["termination_date:2027-01-15", "l1_window:2027-02-07"]


@pytest.mark.parametrize(
    ("method", "effective", "last"),
    [(ServiceMethod.HAND, "2027-04-01", "2027-01-01"), (ServiceMethod.MAIL, "2027-04-01", "2026-12-27"),
     (ServiceMethod.MAILBOX, "2027-04-01", "2027-01-01"), (ServiceMethod.EMAIL, "2027-04-01", "2027-01-01")],
)
def test_last_day_to_serve(method: ServiceMethod, effective: str, last: str) -> None:
    assert reminders.last_day_to_serve(method, d(effective), d("2026-12-02")) == d(last)


# (start, last increase, first occupied, rent, today, next eligible, guideline, max rent, hand, mail)
PLAN = [
    ("2024-03-01", None, None, "1500.00", "2026-12-02", "2027-03-02", "2.5", "1537.50", "2026-12-02", None),
    ("2026-06-01", None, None, "1500.00", "2026-12-02", "2027-06-01", "2.5", "1537.50", "2027-03-03", "2027-02-26"),
    ("2020-01-01", "2026-04-01", None, "2000.00", "2026-12-02", "2027-04-01", "2.5", "2050.00", "2027-01-01",
     "2026-12-27"),
    ("2020-01-01", "2025-12-15", None, "1000.00", "2026-09-01", "2026-12-15", "2.1", "1021.00", "2026-09-16",
     "2026-09-11"),
    ("2020-01-01", "2025-09-01", None, "1000.00", "2026-06-01", "2026-09-01", "2.1", "1021.00", "2026-06-03",
     None),
    ("2021-07-01", "2026-01-01", "2021-07-01", "1800.00", "2026-12-02", "2027-03-02", "2.5", None, "2026-12-02",
     None),
    ("2020-01-01", "2025-01-05", "2010-01-01", "1200.00", "2025-09-01", "2026-01-05", "2.1", "1225.20", "2025-10-07",
     "2025-10-02"),
]


@pytest.mark.parametrize(("start", "last", "occupied", "rent", "today", "eligible", "guideline", "maximum", "hand",
                          "mail"), PLAN)
def test_rent_increase_plan_row(start: str, last: str | None, occupied: str | None, rent: str, today: str,
                                eligible: str, guideline: str, maximum: str | None, hand: str,
                                mail: str | None) -> None:
    t = tenancy(start_on=d(start), last_increase_on=d(last) if last else None, rent=Decimal(rent),
                unit_first_occupied_on=d(occupied) if occupied else None)
    row = plan.plan_row(t, d(today))
    assert row.next_eligible_on == d(eligible)
    assert row.guideline_pct == Decimal(guideline)
    assert row.max_rent == (Decimal(maximum) if maximum else None)
    assert row.exempt is (maximum is None)
    assert row.serve_by.hand == d(hand)
    assert row.serve_by.mail == (d(mail) if mail else None)
    assert (row.tenancy_id, row.unit_id, row.current_rent) == ("t1", "u1", Decimal(rent))
