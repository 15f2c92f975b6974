"""The notice's PDF: its particulars and, once served, a certificate of service (fpdf2, imported on use).

These particulars support the Landlord and Tenant Board's official form; they do not replace it. fpdf2's
built-in Helvetica covers Latin-1 only: a character outside it is written without its accent, or as "?".
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from shared.notices.models import Arrears, Check, N1Details, NoticeType, Service, ServiceMethod, Tenancy, _Frozen

TITLES = {
    NoticeType.N1: "N1 - Notice of Rent Increase: particulars",
    NoticeType.N4: "N4 - Notice to End your Tenancy Early for Non-payment of Rent: particulars",
    NoticeType.N11: "N11 - Agreement to End the Tenancy: particulars",
}
METHODS = {
    ServiceMethod.HAND: "handing it to the tenant or an adult in the rental unit",
    ServiceMethod.MAILBOX: "leaving it in the mailbox where mail is ordinarily delivered",
    ServiceMethod.MAIL: "sending it by mail",
    ServiceMethod.COURIER: "giving it to a courier",
    ServiceMethod.EMAIL: "sending it by email, with the tenant's consent",
}
# Letters and punctuation with no Latin-1 form and no decomposition to one.
SUBSTITUTES = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
                             "œ": "oe", "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-",
                             "—": "-", "…": "..."})
DISCLAIMER = ("Prepared by Porchlight from the landlord's records. This is not legal advice. Serve the Landlord "
              "and Tenant Board's official form; these particulars support it.")
CERTIFICATE = "Certificate of Service"


class NoticeDocument(_Frozen):
    """Everything the PDF shows; the service fills it from the notice, tenancy, unit and property."""

    notice_id: str
    type: NoticeType
    landlord: str
    property_address: str
    unit_label: str
    tenancy: Tenancy
    effective_on: date | None
    prepared_on: date
    n1: N1Details | None = None
    arrears: Arrears | None = None
    landlord_signed_on: date | None = None
    checks: tuple[Check, ...] = Field(default=())
    service: Service | None = None


def latin1(text: str) -> str:
    """`text` as Helvetica can write it: accents kept where Latin-1 has them, dropped or '?' elsewhere."""
    out = []
    for char in text.translate(SUBSTITUTES):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


class _Writer:
    """The few shapes the document uses, over one fpdf2 document."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf

    def heading(self, text: str, size: int = 12) -> None:
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", "", 10)

    def line(self, text: str) -> None:
        self.pdf.multi_cell(0, 5.5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def rows(self, header: tuple[str, ...], body: list[tuple[str, ...]]) -> None:
        with self.pdf.table(text_align="LEFT", line_height=6) as table:
            for cells in [header, *body]:
                row = table.row()
                for cell in cells:
                    row.cell(latin1(cell))


def render(doc: NoticeDocument) -> bytes:
    """The PDF's bytes: title, disclaimer, parties, particulars, the rules checked, the certificate if served."""
    from fpdf import FPDF  # heavy: only the document route pays for it

    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_title(latin1(TITLES[doc.type]))
    out = _Writer(pdf)
    out.heading(TITLES[doc.type], 14)
    pdf.set_font("Helvetica", "I", 8)
    out.line(DISCLAIMER)
    pdf.ln(2)
    out.heading("Parties and rental unit")
    tenants = ", ".join(p.name for p in doc.tenancy.parties) or "(none)"
    out.line(f"To (tenants): {tenants}")
    out.line(f"From (landlord): {doc.landlord}")
    out.line(f"Rental unit: {doc.unit_label}, {doc.property_address}")
    out.line(f"Notice {doc.notice_id}, prepared on {doc.prepared_on.isoformat()}")
    _particulars(doc, out)
    if doc.checks:
        pdf.ln(2)
        out.heading("Rules checked")
        out.rows(("Rule", "Citation", "Result"),
                 [(c.message, c.citation, "met" if c.ok else "NOT MET") for c in doc.checks])
    if doc.service is not None:
        pdf.ln(4)
        out.heading(CERTIFICATE)
        s = doc.service
        out.line(f"I, {s.served_by}, served this notice on {tenants} by {METHODS[s.method]} on "
                 f"{s.served_on.isoformat()}.")
        out.line(f"Method: {s.method.value}. Served on: {s.served_on.isoformat()}. "
                 f"Deemed served on: {s.deemed_served_on.isoformat()}.")
        out.line(f"Served by: {s.served_by}")
    return bytes(pdf.output())


def _particulars(doc: NoticeDocument, out: _Writer) -> None:
    when = doc.effective_on.isoformat() if doc.effective_on else "(not set)"
    if doc.type == NoticeType.N1 and doc.n1 is not None:
        out.heading("Rent increase")
        d = doc.n1
        out.line(f"Current rent: {dollars(d.current_rent)} ({doc.tenancy.rent_period.value})")
        out.line(f"New rent: {dollars(d.new_rent)}, effective {when}")
        out.line(f"Increase: {d.increase_pct}%. Guideline for {d.guideline_year}: {d.guideline_pct}%.")
        out.line("The unit is exempt from the guideline (RTA s.6.1)." if d.max_rent is None
                 else f"Highest rent the guideline allows: {dollars(d.max_rent)}.")
    elif doc.type == NoticeType.N4 and doc.arrears is not None:
        out.heading("Rent owing")
        out.rows(("From", "To", "Rent charged", "Rent paid", "Rent owing"),
                 [(p.from_on.isoformat(), p.to_on.isoformat(), dollars(p.charged), dollars(p.paid), dollars(p.owing))
                  for p in doc.arrears.periods])
        out.line(f"Total rent owing: {dollars(doc.arrears.total)}")
        out.line(f"Termination date: {when}")
    elif doc.type == NoticeType.N11:
        out.heading("Agreement to end the tenancy")
        out.line(f"Termination date: {when}")
        signed = doc.landlord_signed_on.isoformat() if doc.landlord_signed_on else "-"
        out.line(f"Signed by the landlord on: {signed}")
        for party in doc.tenancy.parties:
            out.line(f"Signed by {party.name} on: {party.signed_on.isoformat() if party.signed_on else '-'}")
