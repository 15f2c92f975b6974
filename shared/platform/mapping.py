"""One way between a PynamoDB item and a pydantic domain model: field by field, by name.

Repositories map their items to domain models and back; by hand that is the same list of names
written twice per entity, and a field added to the model but forgotten in one direction is a silent
loss. Here a model field reads and writes the item attribute of its name, unless the call renames it
(`renames={"expires_at": "ttl"}`), stores it as JSON text (`json_fields`: compact, keys sorted, so
equal values store equal text; `ordered_json`: compact, in the value's own key order and non-ASCII as
is, for a document whose author's order is part of it: a form's schema, submitted answers), leaves it
out (`exclude`: the repository handles it) or gives it outright (keyword values). A model field with
no attribute and no instruction is an error at the first call, not a dropped value.

Values: an absent attribute (None) leaves the model's default (None for a field without one);
pydantic turns stored strings back into enums, `Decimal`s and datetimes and numbers into ints. Going
to the item, enums are stored by value, `Decimal`/`date`/`datetime` as text in a text attribute (an
aware datetime in UTC, so stored times sort), sets as sets (an empty set as absent: DynamoDB has no
empty set), lists and tuples as lists (enums in them by value), and a `Decimal` in a number
attribute as an exact int or float.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

M = TypeVar("M", bound=BaseModel)
I = TypeVar("I", bound=Model)  # noqa: E741 - the item type, as M is the model's

_NO_RENAMES: Mapping[str, str] = {}


def _pairs(model: type[BaseModel], item: type[Model], renames: Mapping[str, str], exclude: Iterable[str],
           given: Iterable[str]) -> list[tuple[str, str]]:
    """(model field, item attribute) for every field the mapper carries; TypeError on one it cannot."""
    attributes = item.get_attributes()
    skipped = {*exclude, *given}
    pairs = []
    for field in model.model_fields:
        if field in skipped:
            continue
        attribute = renames.get(field, field)
        if attribute not in attributes:
            raise TypeError(f"{model.__name__}.{field} has no attribute {attribute!r} on {item.__name__}: "
                            "rename, exclude or give it")
        pairs.append((field, attribute))
    return pairs


def to_model(model: type[M], item: Model, *, renames: Mapping[str, str] = _NO_RENAMES,
             json_fields: Iterable[str] = (), ordered_json: Iterable[str] = (), exclude: Iterable[str] = (),
             **values: Any) -> M:
    """The domain model read from `item` (an attribute that is None leaves the field's default)."""
    as_json = {*json_fields, *ordered_json}
    data: dict[str, Any] = {}
    for field, attribute in _pairs(model, type(item), renames, exclude, values):
        value = getattr(item, attribute)
        if value is None:
            if model.model_fields[field].is_required():  # `x: str | None` with no default: None it is
                data[field] = None
            continue
        data[field] = json.loads(value) if field in as_json else value
    return model.model_validate({**data, **values})


def to_item(item: type[I], model: BaseModel, key: tuple[str, str], *, renames: Mapping[str, str] = _NO_RENAMES,
            json_fields: Iterable[str] = (), ordered_json: Iterable[str] = (), exclude: Iterable[str] = (),
            **values: Any) -> I:
    """The item storing `model` under `key` (pk, sk); `values` are further attributes (indexes, say)."""
    as_json, in_order = set(json_fields), set(ordered_json)
    attributes = item.get_attributes()
    data: dict[str, Any] = {}
    for field, attribute in _pairs(type(model), item, renames, exclude, ()):
        value = getattr(model, field)
        if value is None:
            data[attribute] = None
        elif field in as_json:
            data[attribute] = json.dumps(to_jsonable_python(value), separators=(",", ":"), sort_keys=True)
        elif field in in_order:
            data[attribute] = json.dumps(to_jsonable_python(value), separators=(",", ":"), ensure_ascii=False)
        else:
            data[attribute] = _stored(value, attributes[attribute])
    return item(*key, **{**data, **values})


def _stored(value: Any, attribute: Attribute[Any]) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return set(value) or None
    if isinstance(value, (list, tuple)):
        return [v.value if isinstance(v, Enum) else v for v in value]
    if isinstance(value, Decimal) and isinstance(attribute, NumberAttribute):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime) and isinstance(attribute, UnicodeAttribute):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, (Decimal, date)) and isinstance(attribute, UnicodeAttribute):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value
