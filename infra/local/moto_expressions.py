"""Cheaper UpdateExpressions in moto's DynamoDB: parse each expression once, check its shape once.

moto parses every UpdateExpression again for every item, deep-copies the tree, and runs ten passes
over it, three of which check only its shape (one SET/ADD/REMOVE clause each, no overlapping paths,
no key attribute updated); two of those search the whole tree from each of its nested nodes, so
their cost grows with the square of the actions. A campaign chunk's claim is one transaction of 98
updates of ~20 actions each: on moto it cost ~1.7 s of CPU (`make bench-lanes`: a third of the local
runtime's only process), which real DynamoDB spends nowhere near.

Here, for the same expression text:
- the parsed tree is kept (moto only ever copies it: its validator works on a deep copy), and the
  copy is made from a pickle of the tree, not by `copy.deepcopy`;
- the three shape checks run the first time it is seen with given attribute names and table keys;
  their verdict depends on nothing else, and a failure is not remembered (it raises every time).
The passes that read the values and the item (the ones that can fail on this item's data) run as
before, so every answer stays moto's own.
"""

from __future__ import annotations

import copy
import pickle
import threading
from typing import Any

from moto.dynamodb.parsing import validators
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

_CACHE_MAX = 4096  # distinct expression texts; all caches are dropped together when full
_SHAPE_CHECKS = (validators.ActionCountValidator, validators.OverlappingPathsValidator,
                 validators.UpdateHashRangeKeyValidator)

_lock = threading.Lock()
_trees: dict[str, Any] = {}  # expression text -> its parsed tree (kept alive: ids below stay unique)
_pickled: dict[int, bytes] = {}  # id(tree) -> the tree pickled, for a fast fresh copy
_text_of: dict[int, str] = {}  # id(tree) -> its expression text
_shape_ok: set[tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]] = set()


def _parse(original: Any, text: str) -> Any:
    with _lock:
        tree = _trees.get(text)
    if tree is not None:
        return tree
    tree = original(text)  # raises on a malformed expression: nothing is kept
    try:
        frozen = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a tree that does not pickle is simply not cached
        return tree
    with _lock:
        cached = _trees.get(text)
        if cached is not None:  # another thread parsed it meanwhile: one tree per text, so ids stay unique
            return cached
        if len(_trees) >= _CACHE_MAX:
            _trees.clear()
            _pickled.clear()
            _text_of.clear()
            _shape_ok.clear()
        _trees[text] = tree
        _pickled[id(tree)] = frozen
        _text_of[id(tree)] = text
    return tree


def _fresh_copy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """`deepcopy` as the validators module sees it: a cached tree is unpickled (several times faster)."""
    frozen = _pickled.get(id(value))
    if frozen is not None and memo is None:
        return pickle.loads(frozen)
    return copy.deepcopy(value, memo)


def _shape_key(validator: Any) -> tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]] | None:
    text = _text_of.get(id(getattr(validator, "_porchlight_source", None)))
    if text is None:
        return None
    names = tuple(sorted((validator.expression_attribute_names or {}).items()))
    return text, names, tuple(validator.table.table_key_attrs)


def install() -> None:
    """Idempotent: patch moto's update-expression parsing and validation in this process."""
    if getattr(UpdateExpressionParser.make, "porchlight_cached", False):
        return
    original_make = UpdateExpressionParser.make

    def make(cls: Any, expression_str: str) -> Any:
        return _parse(original_make, expression_str)

    make.porchlight_cached = True  # type: ignore[attr-defined]
    UpdateExpressionParser.make = classmethod(make)
    validators.deepcopy = _fresh_copy  # type: ignore[assignment]

    validator_class = validators.UpdateExpressionValidator
    original_init = validator_class.__init__

    def __init__(self: Any, expression: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, expression, *args, **kwargs)
        self._porchlight_source = expression

    def validate(self: Any) -> Any:
        key = _shape_key(self)
        known = key is not None and key in _shape_ok
        node = self.node_to_validate
        for processor in self.processors:
            if known and isinstance(processor, _SHAPE_CHECKS):
                continue
            node = processor.traverse(node)
        if key is not None and not known:
            with _lock:
                _shape_ok.add(key)
        return node

    validator_class.__init__ = __init__  # type: ignore[method-assign]
    validator_class.validate = validate  # type: ignore[method-assign]
