"""The admin CSV export of residents, safe to open in a spreadsheet.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula by
Excel, LibreOffice or Sheets (CSV injection, OWASP); such cells are prefixed with `'`, which
spreadsheets show as text. Every cell gets the same rule, negative balances included (`'-5.00`):
one rule with no exceptions is the one that stays safe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from shared.platform import normalise
from shared.platform.errors import PayloadTooLarge
from shared.residents.models import CustomField, Resident

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_BYTES = 5_500_000  # Lambda answers at most 6 MB; leave room for headers
BASE_COLUMNS = ("id", "first_name", "last_name", "email", "phone", "role", "unit", "balance", "delinquent",
                "has_violation", "tags", "consent_email", "consent_sms", "created_at", "updated_at")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    return str(value)


def _row(resident: Resident, threshold: Decimal, fields: list[CustomField]) -> list[str]:
    cells = [
        resident.id, resident.first_name, resident.last_name, resident.email or "", resident.phone or "",
        str(resident.role), resident.unit or "", normalise.money(resident.balance),
        _text(resident.delinquent(threshold)),
        _text(resident.has_violation), ";".join(resident.tags), _text(resident.consent.email),
        _text(resident.consent.sms), resident.created_at, resident.updated_at,
    ]
    cells += [_text(resident.custom.get(f.key)) for f in fields]
    return [neutralise(c) for c in cells]


def to_csv(residents: Iterable[Resident], *, threshold: Decimal, fields: list[CustomField]) -> str:
    """Header and one row per resident; `PayloadTooLarge` when it would not fit in one answer."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*BASE_COLUMNS, *(neutralise(f"custom.{f.key}") for f in fields)])
    for resident in residents:
        writer.writerow(_row(resident, threshold, fields))
        if out.tell() > MAX_BYTES:
            raise PayloadTooLarge("Too many residents for one export; narrow it with role, status, tag or unit.")
    return out.getvalue()
