"""Custom field values checked against their community's definitions (422 naming `custom.{key}`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.platform.errors import FieldError, ValidationFailed
from shared.residents.models import CustomField, FieldType

MAX_TEXT = 1_000
# A custom number is at most 15 digits either side of zero: what a float holds exactly, far inside
# DynamoDB's 38 digits, and no `int(Decimal("1E+999999999"))` (a billion-digit integer) ever runs.
MAX_NUMBER = Decimal("1E+15")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    if len(value) > MAX_TEXT:
        raise ValueError(f"must be at most {MAX_TEXT} characters")
    return value.strip()


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("must be a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValueError("must be a number") from error
    if not number.is_finite():
        raise ValueError("must be a finite number")
    if number.adjusted() >= MAX_NUMBER.adjusted():  # the exponent first: abs() of 1E+999999999 overflows
        raise ValueError(f"must be below {MAX_NUMBER:f} in absolute value")
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: Any) -> str:
    if not isinstance(value, str) or len(value.strip()) != 10:
        raise ValueError("must be a date, YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError as error:
        raise ValueError("must be a date, YYYY-MM-DD") from error


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("must be true or false")


def _option(definition: CustomField, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be one of {definition.options}")
    for option in definition.options:
        if option.casefold() == value.strip().casefold():
            return option
    raise ValueError(f"must be one of {definition.options}")


def _options(definition: CustomField, value: Any) -> list[str]:
    if isinstance(value, str):  # a CSV cell: "a;b"
        value = [v for v in value.split(";") if v.strip()]
    if not isinstance(value, list):
        raise ValueError(f"must be a list of values from {definition.options}")
    return list(dict.fromkeys(_option(definition, v) for v in value))


def coerce(definition: CustomField, value: Any) -> Any:
    """The stored form of `value` for this field, or ValueError saying what is wrong."""
    kind = definition.type
    if kind == FieldType.TEXT:
        return _text(value)
    if kind == FieldType.NUMBER:
        return _number(value)
    if kind == FieldType.DATE:
        return _date(value)
    if kind == FieldType.BOOL:
        return _bool(value)
    if kind == FieldType.SELECT:
        return _option(definition, value)
    return _options(definition, value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def merge(current: dict[str, Any], changes: dict[str, Any] | None, definitions: dict[str, CustomField], *,
          check_required: bool) -> dict[str, Any]:
    """`current` with `changes` applied (a null value removes the key), checked against `definitions`.

    Keys of deleted definitions are dropped; a required field must hold a value when
    `check_required` (on create, and whenever `custom` is written). 422 names `custom.{key}`.
    """
    errors: list[FieldError] = []
    merged = {k: v for k, v in current.items() if k in definitions}
    for key, value in (changes or {}).items():
        definition = definitions.get(key)
        if definition is None:
            errors.append(FieldError(f"custom.{key}", "is not a custom field of this community"))
            continue
        if _blank(value):
            merged.pop(key, None)
            continue
        try:
            merged[key] = coerce(definition, value)
        except ValueError as error:
            errors.append(FieldError(f"custom.{key}", str(error)))
    if check_required:
        errors.extend(FieldError(f"custom.{key}", "is required") for key, d in sorted(definitions.items())
                      if d.required and _blank(merged.get(key)) and not any(e.field == f"custom.{key}"
                                                                          for e in errors))
    if errors:
        raise ValidationFailed(details=errors)
    return merged

