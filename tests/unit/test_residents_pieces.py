"""Residents domain pieces without AWS: normalisation, custom values, the filter evaluator, CSV safety."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.platform import normalise
from shared.platform.errors import ValidationFailed
from shared.residents import custom_fields, export, filters
from shared.residents.models import CustomField, FieldType, Resident, ResidentFilter, ResidentRole, ResidentStatus

pytestmark = pytest.mark.unit
NOW = "2026-01-01T00:00:00.000Z"


def resident(**values: object) -> Resident:
    base: dict[str, object] = {"id": "r1", "community_id": "c", "first_name": "Ann", "last_name": "Lee",
                               "role": ResidentRole.OWNER, "created_at": NOW, "updated_at": NOW}
    return Resident.model_validate(base | values)


@pytest.mark.parametrize(("raw", "region", "e164"), [
    ("(416) 555-0123", "CA", "+14165550123"), ("416.555.0123", "US", "+14165550123"),
    ("+44 20 7946 0958", "US", "+442079460958"), ("020 7946 0958", "GB", "+442079460958"),
])
def test_phones_become_e164(raw: str, region: str, e164: str) -> None:
    assert normalise.phone(raw, region) == e164


@pytest.mark.parametrize("raw", ["555-0123", "abc", "+1 999 555 0123", ""])
def test_invalid_phones_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise.phone(raw, "US")


@pytest.mark.parametrize(("raw", "value"), [("125.5", "125.50"), (12, "12.00"), ("1,234.56", "1234.56"),
                                            ("-0.10", "-0.10"), ("1.230", "1.23")])
def test_balances_are_exact_cents(raw: object, value: str) -> None:
    assert normalise.money(normalise.balance(raw)) == value  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["1.001", "NaN", "Infinity", "1e12", True, "ten"])
def test_bad_balances_are_refused(raw: object) -> None:
    with pytest.raises(ValueError):
        normalise.balance(raw)  # type: ignore[arg-type]


def test_custom_values_are_coerced_or_named() -> None:
    defs = {
        "n": CustomField(key="n", community_id="c", label="N", type=FieldType.NUMBER, created_at=NOW, updated_at=NOW),
        "b": CustomField(key="b", community_id="c", label="B", type=FieldType.BOOL, created_at=NOW, updated_at=NOW),
        "s": CustomField(key="s", community_id="c", label="S", type=FieldType.SELECT, options=["Red", "Blue"],
                         required=True, created_at=NOW, updated_at=NOW),
    }
    assert custom_fields.merge({}, {"n": "2.50", "b": "yes", "s": "red"}, defs, check_required=True) == {
        "n": 2.5, "b": True, "s": "Red"}
    with pytest.raises(ValidationFailed) as failed:
        custom_fields.merge({"gone": 1}, {"n": True, "b": "maybe"}, defs, check_required=True)
    assert [d.field for d in failed.value.details] == ["custom.n", "custom.b", "custom.s"]
    assert custom_fields.merge({"gone": 1, "s": "Red"}, {}, defs, check_required=False) == {"s": "Red"}


def test_filter_and_or_semantics() -> None:
    ann = resident(tags=["pool"], unit="4B", balance=Decimal("10.00"), custom={"pets": ["Dog", "Cat"]})
    zero = Decimal("0.00")
    assert filters.matches(ann, ResidentFilter(), threshold=zero)
    assert filters.matches(ann, ResidentFilter(roles=[], tags=[]), threshold=zero)  # empty lists: no constraint
    assert filters.matches(ann, ResidentFilter(roles=[ResidentRole.TENANT, ResidentRole.OWNER]), threshold=zero)
    assert not filters.matches(ann, ResidentFilter(roles=[ResidentRole.OWNER], tags=["gym"]), threshold=zero)
    statuses = [ResidentStatus.HAS_VIOLATION, ResidentStatus.DELINQUENT]
    assert filters.matches(ann, ResidentFilter(statuses=statuses), threshold=zero)
    assert not filters.matches(ann, ResidentFilter(statuses=statuses), threshold=Decimal("10.00"))
    assert filters.matches(ann, ResidentFilter(units=["4b"], custom={"pets": ["cat"]}), threshold=zero)
    assert not filters.matches(ann, ResidentFilter(custom={"pets": "fish"}), threshold=zero)
    assert not filters.matches(ann, ResidentFilter(custom={"colour": "red"}), threshold=zero)
    assert filters.search_matches(ann, "ann l") and filters.search_matches(ann, "LEE")
    assert not filters.search_matches(ann, "nn")


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert export.neutralise(cell) == "'" + cell
    assert export.neutralise("plain") == "plain"
