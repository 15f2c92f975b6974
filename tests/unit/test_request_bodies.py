"""The request body at the door (shared/platform/bodies.py): limits, canonical form, empty bodies."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, Field

from shared.platform import bodies
from shared.platform.errors import UnsupportedMediaType, ValidationFailed

pytestmark = pytest.mark.unit


class _Loose(BaseModel):
    amount: Decimal


class _Nested(BaseModel):
    inner: list[_Loose] | None = None
    fine: Decimal = Field(default=Decimal(0), max_digits=5)


class _AllOptional(BaseModel):
    note: str | None = None


class _NeedsOne(BaseModel):
    note: str


def _takes_nested(body: _Nested) -> None: ...


def _takes_optional(body: _AllOptional) -> None: ...


def _takes_required(body: _NeedsOne) -> None: ...


def _event(body: str | None, content_type: str | None = "application/json", **extra: Any) -> dict[str, Any]:
    headers = {"content-type": content_type} if content_type is not None else {}
    return {"body": body, "headers": headers, "isBase64Encoded": False} | extra


def test_an_unbounded_decimal_at_any_depth_is_named_and_refused_at_registration() -> None:
    assert bodies.unbounded_decimals(_Nested) == ["inner.amount"]
    with pytest.raises(TypeError, match="inner.amount"):
        bodies.body_spec(_takes_nested)


def test_optional_means_the_model_accepts_an_empty_object() -> None:
    assert bodies.body_spec(_takes_optional) == bodies.BodySpec(_AllOptional, optional=True)
    assert bodies.body_spec(_takes_required) == bodies.BodySpec(_NeedsOne, optional=False)


@pytest.mark.parametrize("raw", [None, "", "   \n"])
def test_a_missing_or_blank_body_is_an_empty_object_when_optional(raw: str | None) -> None:
    prepared = bodies.prepare(_event(raw, "text/plain"), bodies.BodySpec(_AllOptional, optional=True))
    assert prepared.event["body"] == prepared.canonical == "{}"
    assert prepared.event["headers"] == {"content-type": "application/json"}


def test_a_missing_body_is_still_required_when_the_model_needs_one() -> None:
    with pytest.raises(ValidationFailed) as raised:
        bodies.prepare(_event(None), bodies.BodySpec(_NeedsOne))
    assert raised.value.details[0].field == "body"


def test_canonical_text_ignores_key_order_and_spacing() -> None:
    spec = bodies.BodySpec(_NeedsOne)
    one = bodies.prepare(_event('{"b": 1, "a": {"y": 2, "x": [1, 2]}}'), spec)
    two = bodies.prepare(_event('{ "a" : {"x":[1,2],"y":2},\n "b":1 }'), spec)
    assert one.canonical == two.canonical == '{"a":{"x":[1,2],"y":2},"b":1}'


def test_base64_bodies_are_decoded_for_the_resolver() -> None:
    raw = base64.b64encode('{"note": "café"}'.encode()).decode()
    prepared = bodies.prepare(_event(raw, isBase64Encoded=True), bodies.BodySpec(_NeedsOne))
    assert prepared.event["isBase64Encoded"] is False and prepared.event["body"] == '{"note":"café"}'


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", "application/xml", "text/json"])
def test_other_media_types_are_415(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaType):
        bodies.prepare(_event('{"note": "x"}', content_type), bodies.BodySpec(_NeedsOne))


def test_a_route_without_a_body_model_leaves_the_event_alone() -> None:
    event = _event("List-Unsubscribe=One-Click", "multipart/form-data")
    assert bodies.prepare(event, bodies.BodySpec()).event is event


def test_depth_at_the_limit_is_fine_and_one_more_is_not() -> None:
    assert bodies.parse("[" * bodies.MAX_DEPTH + "]" * bodies.MAX_DEPTH) is not None
    with pytest.raises(ValidationFailed):
        bodies.parse("[" * (bodies.MAX_DEPTH + 1) + "]" * (bodies.MAX_DEPTH + 1))


def test_numbers_within_the_limit_parse() -> None:
    assert bodies.parse('{"a": 123.45, "b": -7, "c": 1e10}') == {"a": 123.45, "b": -7, "c": 1e10}
