"""Text that ends up in a mail header: one line of printable characters, checked at the door.

A line break in a community name or a sender name would be a header injection if it reached a
header, and `formataddr`/`EmailMessage` refuse it in the worker, long after the API said 201.
So every field that reaches a header (community names, sender names, subjects) refuses Unicode
control characters (category Cc, which holds CR, LF, TAB, NUL, DEL and the C1 controls), line
separators (Zl) and paragraph separators (Zp) with a 422 naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

HEADER_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")  # exactly Cc ∪ Zl ∪ Zp


def header_problem(value: str) -> str | None:
    """Why `value` cannot go into a mail header, or None when it can."""
    for char in value:
        if unicodedata.category(char) in HEADER_UNSAFE_CATEGORIES:
            return f"must not contain line breaks or control characters (found U+{ord(char):04X})"
    return None


def one_line(value: str) -> str:
    """`value` with every run of header-unsafe characters made one space (for rendered subjects)."""
    return _HEADER_UNSAFE.sub(" ", value).strip()


def _header_safe(value: str | None) -> str | None:
    if value is not None:
        problem = header_problem(value)
        if problem is not None:
            raise ValueError(problem)
    return value


HeaderSafe = AfterValidator(_header_safe)
"""Add to a str field (`Annotated[str, HeaderSafe]`) that may reach a mail header."""

HeaderText = Annotated[str, HeaderSafe]
