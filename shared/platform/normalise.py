"""Canonical forms of what identifies or describes a person: email, phone (and its region), balance, tags, unit.

Uniqueness is decided on these forms, so the API, the import and lookups all go through here. On the
platform floor because the residents directory, the community's settings (region, delinquency
threshold) and intake all read values the same way.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_BALANCE = Decimal("1000000000")  # a billion either way: anything beyond is a typo
MAX_TAGS = 50
MAX_TAG_CHARS = 50


def email(raw: str) -> str:
    """The stored, compared form: a valid address, lower-cased; ValueError saying why not."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValueError("is not a valid email address") from error


def phone(raw: str, region: str) -> str:
    """E.164 (`+14165550123`); a number without a country code is read in `region` (e.g. "US", "CA")."""
    try:
        number = phonenumbers.parse(raw.strip(), region.upper())
    except phonenumbers.NumberParseException as error:
        raise ValueError("is not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"is not a valid phone number (numbers without a country code are read as {region})")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def is_region(value: str) -> bool:
    """True for a region the phone library can read numbers in (ISO 3166 alpha-2, upper case)."""
    return value in phonenumbers.SUPPORTED_REGIONS


def balance(raw: str | int | float | Decimal) -> Decimal:
    """Money: at most two decimal places, within ±MAX_BALANCE, always quantised to cents."""
    if isinstance(raw, bool):
        raise ValueError("must be a decimal amount such as \"125.50\"")
    try:
        value = Decimal(str(raw).strip().replace(",", "")) if not isinstance(raw, Decimal) else raw
    except InvalidOperation as error:
        raise ValueError("must be a decimal amount such as \"125.50\"") from error
    if not value.is_finite():
        raise ValueError("must be a finite amount")
    # adjusted() reads the exponent: `1E+999999999` must not reach abs() (decimal.Overflow).
    if value.adjusted() >= MAX_BALANCE.adjusted() or abs(value) >= MAX_BALANCE:
        raise ValueError(f"must be below {MAX_BALANCE} in absolute value")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("may have at most two decimal places")
    return value.quantize(Decimal("0.01"))


def money(value: Decimal) -> str:
    """The contract's money format: a decimal string with two places (`"125.50"`)."""
    return str(value.quantize(Decimal("0.01")))


def tags(raw: list[str]) -> list[str]:
    """Trimmed, lower-cased, de-duplicated in first-seen order; blanks dropped."""
    seen: dict[str, None] = {}
    for tag in raw:
        clean = " ".join(tag.split()).lower()
        if not clean:
            continue
        if len(clean) > MAX_TAG_CHARS:
            raise ValueError(f"a tag may have at most {MAX_TAG_CHARS} characters")
        seen.setdefault(clean, None)
    if len(seen) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return list(seen)


def unit(raw: str | None) -> str | None:
    clean = " ".join((raw or "").split())
    return clean or None
