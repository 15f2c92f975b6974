"""Do an object's bytes match the type it was declared as? Magic bytes for binary formats, rules for text.

Binary formats are recognised by `filetype` (pinned in pyproject.toml) from the first 8 KiB: the
matcher of the declared type must accept them. docx and xlsx are zip containers; `filetype` tells
them apart (and from any other zip) by the first entries' names (`word/`, `xl/`), which Office and
LibreOffice write first.

Plain text (csv, txt) has no magic number, so it is accepted when it is what a text file is: it
decodes as UTF-8 throughout (a BOM is allowed), contains no NUL byte, and its start is not any
binary format `filetype` knows (a PDF or a PNG renamed to .txt is refused). See docs/decision-log.md.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable

import filetype

HEAD_BYTES = 8192  # what filetype itself reads
TEXT_TYPES: frozenset[str] = frozenset({"text/csv", "text/plain"})


def is_known(content_type: str) -> bool:
    """True when this module can check objects declared as `content_type`."""
    return content_type in TEXT_TYPES or filetype.get_type(mime=content_type) is not None


def binary_matches(content_type: str, head: bytes) -> bool:
    matcher = filetype.get_type(mime=content_type)
    return matcher is not None and bool(matcher.match(bytearray(head)))


def is_text(head: bytes, chunks: Iterable[bytes]) -> bool:
    """UTF-8 throughout, no NUL, and not the start of a known binary format."""
    if filetype.guess(bytearray(head)) is not None:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        for chunk in chunks:
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def mismatch(content_type: str, head: bytes, chunks: Callable[[], Iterable[bytes]]) -> str | None:
    """Why the bytes are not a `content_type` file, or None when they are one.

    `head` is the object's first HEAD_BYTES bytes; `chunks` streams the whole object and is only
    called for text types.
    """
    if not head:
        return "the file is empty"
    if content_type in TEXT_TYPES:
        return None if is_text(head, chunks()) else "the file is not UTF-8 text"
    if not is_known(content_type):
        return f"files of type {content_type} cannot be checked"
    if binary_matches(content_type, head):
        return None
    found = filetype.guess(bytearray(head))
    return f"the file's content is {found.mime if found else 'not recognised'}, not {content_type}"
