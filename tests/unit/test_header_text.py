"""Issue 17 part 3: text bound for a mail header refuses Unicode Cc, Zl and Zp characters."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from pydantic import BaseModel, ValidationError

from shared.community.schemas import CommunityPatch
from shared.identity.schemas import SignupRequest
from shared.platform.text import HeaderText, header_problem, one_line

pytestmark = pytest.mark.unit


class _Named(BaseModel):
    name: HeaderText


def test_exactly_the_cc_zl_zp_characters_are_refused() -> None:
    refused = {c for c in range(sys.maxunicode + 1) if header_problem(chr(c)) is not None}
    expected = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in {"Cc", "Zl", "Zp"}}
    assert refused == expected and len(expected) == 67


@pytest.mark.parametrize("name", ["Maple Grove HOA", "Résidence Ünïcode — Board", "楓の森", "O'Neil & Co."])
def test_ordinary_names_pass(name: str) -> None:
    assert _Named(name=name).name == name and one_line(name) == name


@pytest.mark.parametrize("name", ["A\nB", "A\rB", "A\tB", "A\x00B", "A\x7fB", "A\x85B", "A\u2028B", "A\u2029B"])
def test_breaking_names_are_refused_with_the_code_point(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _Named(name=name)
    assert "U+" in str(refused.value)
    assert "\n" not in one_line(name) and one_line(name) == "A B"


def test_the_api_shapes_use_it() -> None:
    with pytest.raises(ValidationError):
        SignupRequest(community_name="Oak\nPark", email="a@example.com", password="correct horse battery",
                      full_name="Ann")
    with pytest.raises(ValidationError):
        CommunityPatch.model_validate({"sender": {"from_name": "Oak\r\nBcc: x@example.com"}})
    assert CommunityPatch.model_validate({"name": "Oak Park"}).name == "Oak Park"
