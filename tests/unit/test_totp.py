"""TOTP codes, their window and replay steps, backup codes, and spreadsheet-safe cells."""

from __future__ import annotations

import csv
import io

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.identity import totp
from shared.platform.spreadsheet import safe_cell, to_csv

pytestmark = pytest.mark.unit

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015.0  # mid-step


def test_codes_match_what_an_authenticator_app_shows() -> None:
    assert totp.code_at(SECRET, NOW) == pyotp.TOTP(SECRET).at(int(NOW))
    step = int(NOW // 30)
    assert totp.matching_step(SECRET, pyotp.TOTP(SECRET).at(int(NOW)), now=NOW) == step


@pytest.mark.parametrize(("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)])
def test_one_step_either_side_is_accepted(offset: int, accepted: bool) -> None:
    code = pyotp.TOTP(SECRET).at(int(NOW) + offset)
    step = totp.matching_step(SECRET, code, now=NOW)
    assert (step is not None) == accepted
    if accepted:
        assert step == int((NOW + offset) // 30)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_never_match(code: str) -> None:
    assert totp.matching_step(SECRET, code, now=NOW) is None


def test_spaces_in_a_typed_code_are_ignored() -> None:
    code = pyotp.TOTP(SECRET).at(int(NOW))
    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", now=NOW) is not None


def test_enrollment_uri_and_qr() -> None:
    enrollment = totp.enrollment(SECRET, account="oak-park:ann@example.com")
    parsed = pyotp.parse_uri(enrollment.otpauth_uri)
    assert parsed.secret == SECRET and parsed.issuer == "Porchlight" and parsed.name == "oak-park:ann@example.com"
    assert enrollment.qr_svg.startswith("<svg")


def test_new_secrets_are_160_bit_base32() -> None:
    secrets = {totp.new_secret() for _ in range(20)}
    assert len(secrets) == 20 and all(len(s) == 32 for s in secrets)


def test_backup_codes_are_distinct_readable_and_hashed_loosely() -> None:
    codes = totp.new_backup_codes()
    assert len(set(codes)) == totp.BACKUP_CODES
    assert all(len(c) == 11 and c[5] == "-" and not set(c) & set("01lio") for c in codes)
    code = codes[0]
    assert totp.backup_code_hash(code) == totp.backup_code_hash(code.upper().replace("-", " "))
    assert totp.backup_code_hash(code) != totp.backup_code_hash(codes[1])


@given(st.text())
def test_no_cell_starts_a_formula(value: str) -> None:
    assert not safe_cell(value).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_round_trips_with_neutralised_formulas() -> None:
    text = to_csv(["a", "b"], [["=1+1", "plain, with comma"], [None, "@SUM(A1)"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["'=1+1", "plain, with comma"], ["", "'@SUM(A1)"]]
