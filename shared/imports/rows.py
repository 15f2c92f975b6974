"""Reading a resident CSV: decoding, the header and its mapping, and each row as resident fields or errors.

Pure functions over text, so every rule is unit-tested without AWS:

- **Encoding**: UTF-8, with or without a BOM (Excel's "CSV UTF-8" writes one). Decoding is strict
  and incremental: the file is streamed, never held whole.
- **Dialect**: Excel's CSV: quoted fields may hold commas, quotes (`""`) and line breaks; lines end
  in CRLF or LF. The delimiter is `,` unless the header line has no comma but a `;` (Excel in
  locales with a decimal comma) or a tab.
- **Header**: the first line. Names are matched case-insensitively, spaces and hyphens read as `_`
  (`First Name` is `first_name`); `column_mapping` maps the file's names to ours first. Columns
  that map to nothing are ignored (and reported); two columns for one field, or no email and no
  phone column, fail the file.
- **Cells**: trimmed; an empty cell leaves the field as it is (an update never blanks a value).
  A cell that would be a spreadsheet formula (`=`, `+`, `-`, `@`) is text, never evaluated; a
  leading `'` before such a character is the spreadsheet's (and our export's) text marker and is
  dropped, so an exported file imports back unchanged. A formula is no number: in `balance` it is
  that row's error.
- **Rows**: numbered from 1 for the first line after the header (a quoted line break does not
  start a new row; blank rows keep their number but are not counted). Each row needs an email or a
  phone: that is what a later import of the same file matches on.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from shared.imports.models import FIELDS, RowError
from shared.platform import normalise
from shared.residents.schemas import ResidentFields

_FORMULA_START = ("=", "+", "-", "@")
_TEXT_MARKER = "'"
csv.field_size_limit(1024 * 1024)  # one cell may be long, never longer than the file's limit


class BadFile(ValueError):
    """The file as a whole cannot be imported (its message is the import's `reason`)."""


def lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Text lines (endings kept, as `csv` wants them) of a UTF-8 byte stream; a leading BOM dropped.

    Raises BadFile when the bytes are not UTF-8.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    carry = ""
    try:
        for chunk in chunks:
            text = carry + decoder.decode(chunk)
            parts = text.split("\n")
            carry = parts.pop()
            for part in parts:
                yield part + "\n"
        carry += decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise BadFile("the file is not UTF-8 text; save it as \"CSV UTF-8\"") from error
    if carry:
        yield carry


def delimiter_of(first_line: str) -> str:
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


def plain(cell: str) -> str:
    """The cell's text: trimmed, a spreadsheet's `'` before a formula character removed. Never evaluated."""
    text = cell.strip()
    if text.startswith(_TEXT_MARKER) and text[1:2] in _FORMULA_START and len(text) > 1:
        return text[1:]
    return text


def _name(cell: str) -> str:
    return "_".join(plain(cell).casefold().replace("-", " ").split())


@dataclass(frozen=True)
class Header:
    columns: tuple[str | None, ...]  # our field for each position of a row, None: ignored
    ignored: tuple[str, ...]  # the file's names of the ignored columns


def read_header(cells: list[str], mapping: Mapping[str, str] | None = None) -> Header:
    """Our field for each column; BadFile when the header cannot describe residents."""
    by_name = {_name(theirs): ours for theirs, ours in (mapping or {}).items()}
    columns: list[str | None] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for cell in cells:
        name = _name(cell)
        field = by_name.get(name) or (name if name in FIELDS else None)
        if field is None:
            if plain(cell):
                ignored.append(plain(cell)[:100])
            columns.append(None)
            continue
        if field in seen:
            raise BadFile(f"the columns \"{seen[field][:100]}\" and \"{plain(cell)[:100]}\" are both {field}")
        seen[field] = plain(cell)
        columns.append(field)
    if not seen:
        raise BadFile(f"the first line must be a header naming columns such as {','.join(FIELDS)}")
    if "email" not in seen and "phone" not in seen:
        raise BadFile("the header has no email or phone column; rows are matched on them")
    return Header(columns=tuple(columns), ignored=tuple(ignored))


def records(text_lines: Iterable[str]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header's cells and an iterator of (row number, cells) for the rows after it.

    BadFile for a file without a first line or with a line `csv` cannot read.
    """
    stream = iter(text_lines)
    first = next(stream, None)
    if first is None or not first.strip():
        raise BadFile("the file has no header line")
    delimiter = delimiter_of(first)

    def rejoined() -> Iterator[str]:
        yield first
        yield from stream

    reader = csv.reader(rejoined(), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except csv.Error as error:
        raise BadFile(f"the header line cannot be read: {error}") from error

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise BadFile(f"row {number + 1} cannot be read: {error}") from error
            number += 1
            yield number, cells

    return header, rows()


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


@dataclass(frozen=True)
class ParsedRow:
    row: int
    fields: ResidentFields
    addresses: frozenset[str]  # "E:{email}" / "P:{e164}": what the row is matched on


def _message(error: dict[str, object]) -> str:
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def parse_row(header: Header, cells: list[str], row: int, *, region: str) -> ParsedRow | list[RowError]:
    """The row as resident fields (given cells only), or every error it has, each naming its field."""
    errors: list[RowError] = []
    values: dict[str, object] = {}
    for position, cell in enumerate(cells):
        field = header.columns[position] if position < len(header.columns) else None
        text = plain(cell)
        if position >= len(header.columns) and text:
            errors.append(RowError(row=row, field="row",
                                   message=f"has a value in column {position + 1}; the header has "
                                           f"{len(header.columns)} columns"))
            break
        if field is None or not text:
            continue
        values[field] = text.lower() if field == "role" else text
    if isinstance(phone := values.get("phone"), str):
        try:
            values["phone"] = normalise.phone(phone, region)
        except ValueError as error:
            errors.append(RowError(row=row, field="phone", message=str(error)))
            del values["phone"]
    try:
        fields = ResidentFields.model_validate(values)
    except ValidationError as invalid:
        for problem in invalid.errors():
            location = problem.get("loc") or ("row",)
            errors.append(RowError(row=row, field=str(location[0]), message=_message(dict(problem))))
        fields = None
    if not errors and fields is not None and fields.email is None and fields.phone is None:
        errors.append(RowError(row=row, field="email", message="a row needs an email or a phone"))
    if errors or fields is None:
        return errors
    addresses = {f"E:{fields.email}"} if fields.email else set()
    if fields.phone:
        addresses.add(f"P:{fields.phone}")
    return ParsedRow(row=row, fields=fields, addresses=frozenset(addresses))
