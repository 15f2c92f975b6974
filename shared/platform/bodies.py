"""The request body at the door, before any model sees it: media type, JSON limits, canonical form.

Every route that takes a JSON body gets the same treatment from `shared.platform.http`, so a new
route inherits it without a line of its own:

- a body that is not JSON by its Content-Type is 415 `UNSUPPORTED_MEDIA_TYPE` (multipart without a
  boundary, text/plain, XML...), never a parser's exception;
- JSON is parsed here with caps on nesting depth and on the length of number literals, so neither a
  thousand nested arrays (RecursionError) nor a 5,000-digit integer (Python's int limit) nor
  `1e999` (infinity) reaches a model: 422 naming the limit;
- a route whose model accepts `{}` (no required field) reads a missing or empty body as `{}`
  (issue 18);
- the canonical text (parsed, keys sorted) is what `Idempotency-Key` compares, so the same JSON
  re-serialized in another key order is the same request.

Decimal fields must declare `max_digits` (checked when a handler registers), so no Decimal input
is unbounded either.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import types
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ValidationError

from shared.platform.errors import FieldError, UnsupportedMediaType, ValidationFailed

MAX_DEPTH = 32  # the deepest request model (a campaign's audience filter) nests 4 levels
MAX_NUMBER_CHARS = 40  # "999999999.99" is 12; no field takes a number anywhere near 40 characters
JSON_MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class BodySpec:
    """What a route's handler takes as its body: the model, and whether it may be left out.

    `optional` is true when the model accepts `{}`: no required field and no model rule refusing an
    empty body (a PATCH model's "give at least one field" keeps its body required, and documented so).
    """

    model: type[BaseModel] | None = None
    optional: bool = False


@dataclass(frozen=True)
class Prepared:
    event: dict[str, Any]
    canonical: str  # what Idempotency-Key compares


class _Refused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unwrap(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def body_spec(fn: Any) -> BodySpec:
    """The body model of a handler: its parameter typed as a pydantic model (at most one)."""
    hints = get_type_hints(fn, include_extras=True)
    models = [base for name, hint in hints.items() if name != "return"
              for base in [_unwrap(hint)] if isinstance(base, type) and issubclass(base, BaseModel)]
    if len(models) > 1:
        raise TypeError(f"{fn.__qualname__} takes {len(models)} body models; a route has one body")
    if not models:
        return BodySpec()
    unbounded = unbounded_decimals(models[0])
    if unbounded:
        raise TypeError(f"{fn.__qualname__}: Decimal fields need max_digits: {', '.join(unbounded)}")
    return BodySpec(models[0], optional=_accepts_empty(models[0]))


def _accepts_empty(model: type[BaseModel]) -> bool:
    try:
        model.model_validate({})
    except ValidationError:
        return False
    return True


def unbounded_decimals(model: type[BaseModel], prefix: str = "", seen: set[type] | None = None) -> list[str]:
    """Dotted names of Decimal fields (at any depth) that declare no `max_digits`."""
    seen = seen if seen is not None else set()
    if model in seen:
        return []
    seen.add(model)
    found: list[str] = []
    for name, info in model.model_fields.items():
        for kind, metadata in _leaf_types(info.annotation, tuple(info.metadata)):
            if kind is Decimal and not any(_max_digits(m) for m in metadata):
                found.append(prefix + name)
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                found += unbounded_decimals(kind, f"{prefix}{name}.", seen)
    return found


def _max_digits(metadata: Any) -> bool:
    """A constraint with max_digits (pydantic's Field in an `Annotated` arm keeps it in `metadata`)."""
    if getattr(metadata, "max_digits", None):
        return True
    return any(getattr(m, "max_digits", None) for m in getattr(metadata, "metadata", ()) or ())


def _leaf_types(annotation: Any, metadata: tuple[Any, ...] = ()) -> list[tuple[Any, tuple[Any, ...]]]:
    """Each leaf type of an annotation with the constraints that apply to it (an `Annotated` arm's own
    metadata travels with it, e.g. `PositiveAmount | None`)."""
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        return _leaf_types(base, metadata + tuple(extra))
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType, list, tuple, set, frozenset, dict):
        return [leaf for arg in get_args(annotation) for leaf in _leaf_types(arg, metadata)]
    return [(annotation, metadata)]


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"numbers may have at most {MAX_NUMBER_CHARS} characters")
    value = kind(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Refused("numbers must be finite")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not JSON")


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def parse(text: str) -> Any:
    """JSON within the limits, or ValidationFailed naming the broken limit (field `body`)."""
    try:
        value = json.loads(text, parse_int=lambda s: _number(s, int), parse_float=lambda s: _number(s, float),
                           parse_constant=_constant)
    except _Refused as refused:
        raise _invalid(refused.message) from None
    except RecursionError:
        raise _invalid(f"JSON may nest at most {MAX_DEPTH} levels deep") from None
    except ValueError:  # JSONDecodeError and anything a literal raises
        raise _invalid("The body is not valid JSON.") from None
    if _depth(value) > MAX_DEPTH:
        raise _invalid(f"JSON may nest at most {MAX_DEPTH} levels deep")
    return value


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(details=[FieldError("body", message)])


def body_text(event: dict[str, Any]) -> str:
    body = event.get("body") or ""
    if not event.get("isBase64Encoded") or not body:
        return str(body)
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _invalid("The body is not UTF-8 text.") from None


def _media_type(headers: dict[str, Any]) -> str:
    value = next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")
    return value.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    structured = media_type.startswith("application/") and media_type.endswith("+json")
    return media_type in ("", JSON_MEDIA_TYPE) or structured


def prepare(event: dict[str, Any], spec: BodySpec) -> Prepared:
    """The event the resolver should see, and the canonical body; or the contract's 4xx."""
    if spec.model is None:  # the route reads no JSON body (e.g. one-click unsubscribe): left as sent
        return Prepared(event, str(event.get("body") or ""))
    text = body_text(event)
    headers = dict(event.get("headers") or {})
    if not text.strip():
        if not spec.optional:
            raise ValidationFailed(details=[FieldError("body", "Field required")])
        value: Any = {}
    else:
        media = _media_type(headers)
        if not is_json(media):
            raise UnsupportedMediaType(details=[FieldError("Content-Type", f"must be {JSON_MEDIA_TYPE}")])
        value = parse(text)
    text = canonical(value)
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"} | {"content-type": JSON_MEDIA_TYPE}
    return Prepared({**event, "body": text, "isBase64Encoded": False, "headers": headers}, text)
