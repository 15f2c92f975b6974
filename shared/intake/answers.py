"""Validating an application's answers against its form version: every error, each at its JSON pointer.

`compile` builds a Draft 2020-12 validator with our three formats (email, date, phone as E.164) and an
empty `referencing` registry, so a `$ref` can only ever resolve inside the form itself (the profile
already refuses anything else when the form is saved). Messages are written here per keyword rather
than taken from jsonschema, whose messages repeat the submitted value (long, and personal data).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shared.intake.profile import pointer

MAX_DETAILS = 100  # every error up to this many: a 64 KB answer could otherwise produce a huge 422
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats constrain strings only
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_phone(value: object) -> bool:
    """E.164 exactly as written (`+14165550123`), and a number that exists in its country's plan."""
    if not isinstance(value, str):
        return True
    if not _E164.fullmatch(value):
        return False
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


def compile(schema: dict[str, Any]) -> Any:  # noqa: A001 - the validator compiled from a form
    """A validator for one form version (callers cache it: versions never change)."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry

    checker = FormatChecker(formats=())
    checker.checks("email")(_is_email)
    checker.checks("date")(_is_date)
    checker.checks("phone")(_is_phone)
    return Draft202012Validator(schema, format_checker=checker, registry=Registry())


_PLAIN = {
    "enum": "must be one of the allowed values",
    "const": "must be exactly the expected value",
    "pattern": "does not match the expected pattern",
    "false": "is not allowed",
}


def _message(keyword: str, value: Any, instance: Any) -> str:
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        return f"must be of type {' or '.join(str(k) for k in kinds)}"
    if keyword == "format":
        if value == "phone":
            return "must be a phone number in E.164 form, e.g. +14165550123"
        return f"must be a valid {value}" + (" (YYYY-MM-DD)" if value == "date" else "")
    bounds = {
        "minLength": f"must be at least {value} character{'s' if value != 1 else ''} long",
        "maxLength": f"must be at most {value} character{'s' if value != 1 else ''} long",
        "minimum": f"must be at least {value}", "maximum": f"must be at most {value}",
        "minItems": f"must have at least {value} item{'s' if value != 1 else ''}",
        "maxItems": f"must have at most {value} item{'s' if value != 1 else ''}",
    }
    return bounds.get(keyword) or _PLAIN.get(keyword, "is not valid")


def errors(validator: Any, answers: Any, *, prefix: str = "/answers") -> list[tuple[str, str]]:
    """(JSON pointer, message) of every error, sorted and without repeats, at most MAX_DETAILS."""
    found: set[tuple[str, str]] = set()
    for error in validator.iter_errors(answers):
        where = prefix + pointer(list(error.absolute_path))
        keyword = str(error.validator)
        if keyword == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    found.add((where + pointer([name]), "is required"))
            continue
        if error.validator is False or error.validator is None:
            keyword = "false"
        found.add((where, _message(keyword, error.validator_value, error.instance)))
    return sorted(found)[:MAX_DETAILS]
