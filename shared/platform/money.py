"""Money in one place: exact `Decimal`s with two places, bounded, written as the contract's strings.

Any domain that takes or keeps an amount (the rent ledger, fees, deposits) parses it here, so the
rules are the same everywhere: never a float, never more than two decimal places (an amount that
would need rounding is refused, not rounded), never beyond `MAX_AMOUNT`.

    amount: PositiveAmount          # a request field: "125.50" or 125.5 → Decimal("125.50"); 0 or -1 → 422
    money.parse("1,250.5")          # Decimal("1250.50")
    money.text(Decimal("3"))        # "3.00"
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("10000000.00")  # ten million: one ledger entry beyond that is a typo


def parse(raw: object, *, positive: bool = False) -> Decimal:
    """An exact amount with two places; ValueError saying why not (floats are read through `str`)."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError('must be a decimal amount such as "125.50"')
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation as error:
        raise ValueError('must be a decimal amount such as "125.50"') from error
    if not value.is_finite():
        raise ValueError("must be a finite amount")
    if value != value.quantize(CENT):
        raise ValueError("must have at most two decimal places")
    if abs(value) > MAX_AMOUNT:
        raise ValueError(f"must be at most {MAX_AMOUNT} in absolute value")
    if positive and value <= 0:
        raise ValueError("must be greater than zero")
    return value.quantize(CENT)


def text(value: Decimal) -> str:
    """The contract's money format: a decimal string with two places (`"125.50"`)."""
    return str(value.quantize(CENT))


def _positive(raw: object) -> Decimal:
    return parse(raw, positive=True)


_AS_STRING = PlainSerializer(text, return_type=str, when_used="json")
_SCHEMA = WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["125.50"]})

# The bound stated as pydantic's own constraint too, so the HTTP layer sees every amount is bounded
# (shared.platform.bodies refuses a body model with an unbounded Decimal): MAX_AMOUNT has 10 digits.
_BOUNDED = Field(max_digits=12, decimal_places=2)

# Request and response fields: parsed by the rules above, written as two-decimal strings.
Amount = Annotated[Decimal, BeforeValidator(parse), _BOUNDED, _AS_STRING, _SCHEMA]
PositiveAmount = Annotated[Decimal, BeforeValidator(_positive), _BOUNDED, _AS_STRING, _SCHEMA]
