"""The one item ⇄ model mapper (shared.platform.mapping): round trips, renames, JSON, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from shared.platform.db import BaseItem
from shared.platform.mapping import to_item, to_model

pytestmark = pytest.mark.unit
T = TypeVar("T", bound=BaseItem)


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Note(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int
    text: str


class Thing(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    colour: Colour
    colours: list[Colour] = []
    amount: Decimal = Decimal("0.00")
    seats: int = 0
    ratio: Decimal = Decimal("0")
    flag: bool = False
    tags: frozenset[str] = frozenset()
    labels: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    memo: str | None = None
    expires_at: int | None = None
    derived: str = ""


class ThingItem(BaseItem, discriminator="mapping_test_thing"):
    id = UnicodeAttribute()
    colour = UnicodeAttribute()
    colours = ListAttribute(of=UnicodeAttribute, null=True)
    amount = UnicodeAttribute()
    seats = NumberAttribute()
    ratio = NumberAttribute()
    flag = BooleanAttribute()
    tags = UnicodeSetAttribute(null=True)
    labels = ListAttribute(of=UnicodeAttribute, null=True)
    notes = UnicodeAttribute(null=True)  # JSON
    memo = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)


KEY = ("C#1", "THING#1")
OPTIONS: dict[str, Any] = {"renames": {"expires_at": "ttl"}, "json_fields": ("notes",), "exclude": ("derived",)}


def _stored(item: ThingItem) -> ThingItem:
    """The item as DynamoDB would give it back: serialized and deserialized."""
    back = ThingItem(*KEY)
    back.deserialize(item.serialize())
    return back


def test_a_round_trip_keeps_every_field() -> None:
    thing = Thing(id="1", colour=Colour.RED, colours=[Colour.BLUE, Colour.RED], amount=Decimal("12.50"), seats=3,
                  ratio=Decimal("0.25"), flag=True, tags=frozenset({"a", "b"}), labels=("x", "y"),
                  notes=(Note(row=2, text="bad email"),), memo="hello", expires_at=1_800_000_000, derived="given")
    item = to_item(ThingItem, thing, KEY, **OPTIONS)
    assert (item.pk, item.sk) == KEY
    assert item.colour == "red" and item.colours == ["blue", "red"] and item.amount == "12.50"
    assert item.tags == {"a", "b"} and item.ttl == 1_800_000_000
    assert item.notes == '[{"row":2,"text":"bad email"}]'
    assert to_model(Thing, _stored(item), **OPTIONS).model_copy(update={"derived": "given"}) == thing


def test_absent_attributes_take_the_models_defaults() -> None:
    item = to_item(ThingItem, Thing(id="1", colour=Colour.BLUE), KEY, **OPTIONS)
    assert item.tags is None and item.memo is None and item.ttl is None  # an empty set is no attribute
    read = to_model(Thing, _stored(item), **OPTIONS)
    assert read == Thing(id="1", colour=Colour.BLUE)


def test_a_field_without_an_attribute_is_refused_not_dropped() -> None:
    with pytest.raises(TypeError, match="Thing.expires_at has no attribute 'expires_at'"):
        to_item(ThingItem, Thing(id="1", colour=Colour.RED), KEY, exclude=("derived",))
    with pytest.raises(TypeError, match="Thing.derived"):
        to_model(Thing, ThingItem(*KEY, id="1", colour="red"), renames={"expires_at": "ttl"})


def test_given_values_win_and_extra_attributes_are_stored() -> None:
    class Indexed(ThingItem, discriminator="mapping_test_indexed"):
        gsi1pk = UnicodeAttribute(null=True)

    item = to_item(Indexed, Thing(id="1", colour=Colour.RED), KEY, gsi1pk="IDX", memo="set", **OPTIONS)
    assert item.gsi1pk == "IDX" and item.memo == "set"


@given(
    amount=st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2),
    seats=st.integers(min_value=0, max_value=2**53),
    tags=st.frozensets(st.text(min_size=1, max_size=8), max_size=4),
    labels=st.lists(st.text(max_size=8), max_size=4).map(tuple),
    memo=st.none() | st.text(max_size=20),
    colour=st.sampled_from(Colour),
)
def test_round_trips_for_any_values(amount: Decimal, seats: int, tags: frozenset[str], labels: tuple[str, ...],
                                    memo: str | None, colour: Colour) -> None:
    thing = Thing(id="t", colour=colour, amount=amount, seats=seats, tags=tags, labels=labels, memo=memo)
    item = to_item(ThingItem, thing, KEY, **OPTIONS)
    assert to_model(Thing, _stored(item), **OPTIONS) == thing


class Stamped(BaseModel):
    at: datetime
    on: date | None = None


class StampedItem(BaseItem, discriminator="mapping_test_stamped"):
    at = UnicodeAttribute()
    on = UnicodeAttribute(null=True)


def test_times_are_stored_in_utc_and_read_back_as_the_same_moment() -> None:
    toronto = timezone(timedelta(hours=-5))
    stamped = Stamped(at=datetime(2026, 12, 2, 7, 30, tzinfo=toronto), on=date(2026, 12, 2))
    item = to_item(StampedItem, stamped, KEY)
    assert (item.at, item.on) == ("2026-12-02T12:30:00+00:00", "2026-12-02")
    assert to_model(Stamped, _stored_as(StampedItem, item)) == stamped  # equal moments compare equal


def _stored_as(cls: type[T], item: T) -> T:
    back = cls(*KEY)
    back.deserialize(item.serialize())
    return back


class Named(BaseModel):
    name: str | None  # required, but may be None


class NamedItem(BaseItem, discriminator="mapping_test_named"):
    name = UnicodeAttribute(null=True)


def test_a_required_field_that_may_be_none_reads_none_from_an_absent_attribute() -> None:
    assert to_model(Named, NamedItem(*KEY)) == Named(name=None)


class Form(BaseModel):
    document: dict[str, Any]
    tags: dict[str, str] = {}


class FormItem(BaseItem, discriminator="mapping_test_form"):
    document = UnicodeAttribute()
    tags = UnicodeAttribute(null=True)


def test_ordered_json_keeps_the_authors_key_order_and_reads_any_spacing() -> None:
    form = Form(document={"zeta": "é", "alpha": [2, 1], "mid": {"b": None, "a": 1}}, tags={"z": "1", "a": "2"})
    item = to_item(FormItem, form, KEY, ordered_json=("document",), json_fields=("tags",))
    assert item.document == '{"zeta":"é","alpha":[2,1],"mid":{"b":null,"a":1}}'
    assert item.tags == '{"a":"2","z":"1"}'  # json_fields still sort
    read = to_model(Form, _stored_as(FormItem, item), ordered_json=("document",), json_fields=("tags",))
    assert read == form and list(read.document) == ["zeta", "alpha", "mid"]
    spaced = FormItem(*KEY, document='{"zeta": "\\u00e9", "alpha": [2, 1], "mid": {"b": null, "a": 1}}')
    assert to_model(Form, spaced, ordered_json=("document",), json_fields=("tags",)) == form.model_copy(
        update={"tags": {}})
