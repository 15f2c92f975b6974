"""Reading resident CSVs without AWS: decoding (BOM, chunk boundaries), Excel's dialect, the header and its
mapping, row validation naming row and field, formula cells kept as text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.imports import rows
from shared.imports.models import FIELDS, RowError
from shared.imports.schemas import ImportCreate

pytestmark = pytest.mark.unit

HEADER = ",".join(FIELDS)


def read(data: bytes, chunk: int = 7) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The file cut into small chunks, as S3 streams it (chunk edges fall inside characters and rows)."""
    header, records = rows.records(rows.lines(data[i:i + chunk] for i in range(0, len(data), chunk)))
    return header, list(records)


def parse(line: str, header: str = HEADER, row: int = 1, **mapping: str) -> rows.ParsedRow | list[RowError]:
    cells, records = read(f"{header}\r\n{line}\r\n".encode())
    return rows.parse_row(rows.read_header(cells, mapping), records[0][1], row, region="US")


def test_bom_crlf_and_quoted_commas_quotes_and_line_breaks() -> None:
    data = ("\ufeff" + HEADER + "\r\n"
            '"Zoë","O\'Neil, Jr.",zoe@example.com,,owner,"4B",10,"no","pool;dogs"\r\n'
            '"Multi\r\nLine","Say ""hi""",m@example.com,,tenant,,,,\r\n').encode()
    header, records = read(data)
    assert header == list(FIELDS)  # the BOM is not part of the first column's name
    assert [n for n, _ in records] == [1, 2]
    first, second = records[0][1], records[1][1]
    assert first[:2] == ["Zoë", "O'Neil, Jr."] and first[8] == "pool;dogs"
    assert second[:2] == ["Multi\r\nLine", 'Say "hi"']


def test_lf_only_and_no_final_newline() -> None:
    _, records = read((HEADER + "\nAnn,Lee,ann@example.com,,owner,,,,").encode())
    assert records == [(1, ["Ann", "Lee", "ann@example.com", "", "owner", "", "", "", ""])]


@pytest.mark.parametrize(("line", "delimiter"), [("a;b;c", ";"), ("a\tb\tc", "\t"), ("a,b;c", ","), ("abc", ",")])
def test_delimiter_from_the_header_line(line: str, delimiter: str) -> None:
    assert rows.delimiter_of(line) == delimiter


def test_not_utf8_is_a_file_error() -> None:
    with pytest.raises(rows.BadFile, match="UTF-8"):
        read((HEADER + "\nRen\xe9,Lee,r@example.com,,owner,,,,\n").encode("latin-1"))


def test_an_empty_file_has_no_header() -> None:
    with pytest.raises(rows.BadFile, match="no header"):
        read(b"")


def test_header_names_are_forgiving_and_unknown_columns_are_reported() -> None:
    header = rows.read_header(["First Name", "LAST-NAME", " Email ", "Notes", "", "id"])
    assert header.columns == ("first_name", "last_name", "email", None, None, None)
    assert header.ignored == ("Notes", "id")


def test_column_mapping_renames_their_columns() -> None:
    header = rows.read_header(["Given", "Surname", "E-mail address", "Mobile"],
                              {"given": "first_name", "Surname": "last_name", "E-mail Address": "email",
                               "Mobile": "phone"})
    assert header.columns == ("first_name", "last_name", "email", "phone")


@pytest.mark.parametrize(("cells", "reason"), [
    (["name", "address"], "header naming"),
    (["first_name", "last_name", "role"], "no email or phone"),
    (["email", "Email"], "both email"),
])
def test_headers_that_cannot_describe_residents_fail_the_file(cells: list[str], reason: str) -> None:
    with pytest.raises(rows.BadFile, match=reason):
        rows.read_header(cells)


def test_a_good_row_becomes_resident_fields() -> None:
    parsed = parse("Ann , Lee,Ann@Example.COM,(416) 555-0123,Owner,4b,\"1,250.5\",yes,Pool; dogs;pool")
    assert isinstance(parsed, rows.ParsedRow)
    fields = parsed.fields
    assert (fields.first_name, fields.last_name, fields.email, fields.phone) == (
        "Ann", "Lee", "ann@example.com", "+14165550123")
    assert (fields.role, fields.unit, fields.balance, fields.has_violation, fields.tags) == (
        "owner", "4b", Decimal("1250.50"), True, ["pool", "dogs"])
    assert parsed.addresses == {"E:ann@example.com", "P:+14165550123"}


def test_empty_cells_are_not_given_so_an_update_keeps_the_value() -> None:
    parsed = parse(",,ann@example.com,,,,,,")
    assert isinstance(parsed, rows.ParsedRow)
    assert parsed.fields.model_fields_set == {"email"}


@pytest.mark.parametrize(("line", "field", "message"), [
    ("Ann,Lee,not-an-email,,owner,,,,", "email", "not a valid email"),
    ("Ann,Lee,,555-01,owner,,,,", "phone", "not a valid phone"),
    ("Ann,Lee,a@example.com,,landlord,,,,", "role", "'owner', 'tenant' or 'board'"),
    ("Ann,Lee,a@example.com,,owner,,=1+1,,", "balance", "decimal amount"),
    ("Ann,Lee,a@example.com,,owner,,12.345,,", "balance", "two decimal places"),
    ("Ann,Lee,a@example.com,,owner,,,maybe,", "has_violation", "boolean"),
    ("Ann,Lee,,,owner,,,,", "email", "needs an email or a phone"),
    ("Ann,Lee,a@example.com,,owner,,,,,surplus", "row", "column 10"),
])
def test_row_errors_name_row_and_field(line: str, field: str, message: str) -> None:
    parsed = parse(line, row=7)
    assert isinstance(parsed, list) and parsed, parsed
    assert (parsed[0].row, parsed[0].field) == (7, field)
    assert message in parsed[0].message


def test_every_error_of_a_row_is_reported() -> None:
    parsed = parse("Ann,Lee,bad,555-01,landlord,,x,,")
    assert isinstance(parsed, list)
    assert sorted(e.field for e in parsed) == ["balance", "email", "phone", "role"]


def test_formula_cells_are_text_and_never_evaluated() -> None:
    parsed = parse('=1+1,"=HYPERLINK(""http://x"")",a@example.com,,owner,,,,@SUM(A1);-x;+y')
    assert isinstance(parsed, rows.ParsedRow)
    assert parsed.fields.first_name == "=1+1"
    assert parsed.fields.last_name == '=HYPERLINK("http://x")'
    assert parsed.fields.tags == ["@sum(a1)", "-x", "+y"]


def test_the_spreadsheet_text_marker_is_dropped_so_an_export_imports_back() -> None:
    parsed = parse("'=cmd,Lee,a@example.com,'+14165550123,owner,,'-12.50,,")
    assert isinstance(parsed, rows.ParsedRow)
    assert parsed.fields.first_name == "=cmd"
    assert parsed.fields.phone == "+14165550123" and parsed.fields.balance == Decimal("-12.50")
    assert rows.plain("'quoted") == "'quoted"  # an apostrophe before ordinary text is the text


def test_blank_rows_are_recognised() -> None:
    assert rows.is_blank(["", " ", ""]) and rows.is_blank([]) and not rows.is_blank(["", "x"])


def test_mapping_must_name_our_fields_once() -> None:
    assert ImportCreate.model_validate({"filename": "a.csv", "column_mapping": {"Mail": "email"}}).column_mapping
    for mapping in ({"Mail": "address"}, {"Mail": "email", "E-mail": "email"}):
        with pytest.raises(ValueError):
            ImportCreate.model_validate({"filename": "a.csv", "column_mapping": mapping})
