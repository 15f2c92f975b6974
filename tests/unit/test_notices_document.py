"""The notice PDF: particulars and the certificate of service, read back with pypdf."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from shared.notices import arrears, document, evaluate, n1
from shared.notices.document import NoticeDocument
from shared.notices.models import NoticeType, Party, RentPeriod, Service, ServiceMethod
from tests.support.notices import d, monthly_rent, pay, tenancy

pytestmark = pytest.mark.unit


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def n4_document(served: bool) -> NoticeDocument:
    t = tenancy(parties=(Party(resident_id="r1", name="Zoë Okafor", lead=True),
                         Party(resident_id="r2", name="Ana Liu")))
    ledger = [*monthly_rent("2026-10-01", 2), pay("p", "2026-10-04", "250.00")]
    claimed = arrears.rent_arrears(ledger, RentPeriod.MONTHLY, d("2026-11-02"))
    result = evaluate.evaluate(NoticeType.N4, t, d("2026-11-02"), ServiceMethod.MAIL, d("2026-11-21"), ledger=ledger)
    service = Service(method=ServiceMethod.MAIL, served_on=d("2026-11-02"), deemed_served_on=result.deemed_served_on,
                      served_by="Pat Manager") if served else None
    return NoticeDocument(notice_id="01JNOTICE", type=NoticeType.N4, landlord="Maple Rentals Inc.",
                          property_address="12 King St W, Toronto ON M5H 1A1", unit_label="Unit 4B", tenancy=t,
                          effective_on=d("2026-11-21"), prepared_on=d("2026-11-02"), arrears=claimed,
                          checks=result.checks, service=service)


def test_a_served_n4_shows_tenants_total_owing_periods_and_certificate() -> None:
    text = flat(text_of(document.render(n4_document(served=True))))
    assert "Zoë Okafor" in text and "Ana Liu" in text
    assert "Total rent owing: $2,750.00" in text
    assert "2026-10-01 2026-10-31 $1,500.00 $250.00 $1,250.00" in text
    assert "Termination date: 2026-11-21" in text
    assert document.CERTIFICATE in text
    assert "served this notice on Zoë Okafor, Ana Liu by sending it by mail on 2026-11-02" in text
    assert "Deemed served on: 2026-11-07" in text and "Served by: Pat Manager" in text
    assert "RTA s.59(1)" in text and "not legal advice" in text


def test_a_draft_has_no_certificate() -> None:
    text = flat(text_of(document.render(n4_document(served=False))))
    assert document.CERTIFICATE not in text
    assert "Total rent owing: $2,750.00" in text


@pytest.mark.parametrize(("occupied", "line"), [
    (None, "Highest rent the guideline allows: $1,537.50."),
    ("2020-05-01", "The unit is exempt from the guideline (RTA s.6.1)."),
])
def test_an_n1_shows_the_increase(occupied: str | None, line: str) -> None:
    t = tenancy(unit_first_occupied_on=d(occupied) if occupied else None)
    facts = n1.details(t, Decimal("1530.00"), d("2027-04-01"), d("2026-12-02"))
    doc = NoticeDocument(notice_id="n-1", type=NoticeType.N1, landlord="Maple", property_address="1 Main St",
                         unit_label="101", tenancy=t, effective_on=d("2027-04-01"), prepared_on=d("2026-12-02"),
                         n1=facts)
    text = flat(text_of(document.render(doc)))
    assert "Current rent: $1,500.00 (monthly)" in text
    assert "New rent: $1,530.00, effective 2027-04-01" in text
    assert "Increase: 2.00%" in text and "Guideline for 2027: 2.5%" in text
    assert line in text


def test_an_n11_shows_every_signature() -> None:
    t = tenancy(parties=(Party(resident_id="r1", name="Ann Tenant", signed_on=d("2026-11-10")),
                         Party(resident_id="r2", name="Bob Tenant")))
    doc = NoticeDocument(notice_id="n-11", type=NoticeType.N11, landlord="Maple", property_address="1 Main St",
                         unit_label="101", tenancy=t, effective_on=None, prepared_on=d("2026-12-02"),
                         landlord_signed_on=d("2026-11-11"))
    text = flat(text_of(document.render(doc)))
    assert "Termination date: (not set)" in text
    assert "Signed by the landlord on: 2026-11-11" in text
    assert "Signed by Ann Tenant on: 2026-11-10" in text and "Signed by Bob Tenant on: -" in text


@pytest.mark.parametrize(("raw", "written"), [
    ("Zoë Okafor", "Zoë Okafor"), ("Łukasz Żak", "Lukasz Zak"), ("李 Wei", "? Wei"), ("O’Brien", "O'Brien"),
    ("Ngũgĩ", "Ngugi"), ("Smith – Jones…", "Smith - Jones..."),
    ("plain", "plain"),
])
def test_names_outside_latin_1_degrade_visibly(raw: str, written: str) -> None:
    assert document.latin1(raw) == written


@pytest.mark.parametrize(("amount", "shown"), [("0", "$0.00"), ("1234.5", "$1,234.50"), ("1000000", "$1,000,000.00")])
def test_dollars(amount: str, shown: str) -> None:
    assert document.dollars(Decimal(amount)) == shown
