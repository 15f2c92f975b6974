"""The restrictive profile an intake form schema must fit, on top of JSON Schema 2020-12.

A form is saved only when it passes two checks (docs/intake-forms.md):
1. `meta_problems`: the 2020-12 meta-schema (jsonschema), every error rather than the best one;
2. `profile_problems`: our walk, which allows only the contract's keywords and formats, local `$ref`
   into the root `$defs` only (so nothing can ever be fetched), schema nesting of at most 8 levels where
   following a `$ref` counts as a level (so a chain or cycle of references is refused too), and short,
   compilable `pattern`s without the nested quantifiers or backreferences that make a regex backtrack
   catastrophically.
Every problem carries the JSON pointer of the offending keyword. `document_problems` runs first and
bounds the document itself (size, raw nesting), so neither pass can be made to recurse without end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 64 * 1024
MAX_DEPTH = 8  # schema nesting: the root is level 1, each subschema one more
MAX_JSON_DEPTH = 32  # raw JSON nesting (enum/const/default values included), checked before anything recurses
MAX_PATTERN = 200
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
FORMATS = ("email", "date", "phone")
KEYWORDS = frozenset({
    "type", "properties", "required", "items", "enum", "const", "title", "description", "default", "minimum",
    "maximum", "minLength", "maxLength", "minItems", "maxItems", "format", "pattern", "if", "then", "else",
    "$defs", "$ref", "$schema",
})
_SINGLE_SUBSCHEMA = ("items", "if", "then", "else")
_REF = re.compile(r"#/\$defs/([^/]+)")


@dataclass(frozen=True)
class Problem:
    pointer: str  # JSON pointer into the schema ("" is the root)
    message: str


def pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """RFC 6901: `/`-joined, with `~` and `/` escaped."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def json_depth(value: Any, limit: int) -> tuple[str | int, ...] | None:
    """The path of the first container nested deeper than `limit`, or None. Iterative: safe on any input."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict | list):
            if len(path) >= limit:
                return path
            children = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((child, (*path, key)) for key, child in children)
    return None


def document_problems(schema: Any) -> list[Problem]:
    """Raw nesting (first: measuring the size serialises, which recurses), then size: bounds that make
    the other checks safe to run."""
    too_deep = json_depth(schema, MAX_JSON_DEPTH)
    if too_deep is not None:
        return [Problem(pointer(too_deep), f"JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    try:
        size = len(serialise(schema).encode())
    except ValueError:
        return [Problem("", "numbers must be finite (NaN and Infinity are not JSON)")]
    if size > MAX_BYTES:
        return [Problem("", f"the schema is {size} bytes; at most {MAX_BYTES} are allowed")]
    return []


def serialise(value: Any) -> str:
    """Compact JSON as stored; ValueError for NaN or Infinity (Python's parser accepts them, JSON does not)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def meta_problems(schema: Any) -> list[Problem]:
    """Every error of the 2020-12 meta-schema (with `format: regex` checked), each at its pointer."""
    from jsonschema import Draft202012Validator  # cold-start: only the form routes pay for jsonschema

    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for error in meta.iter_errors(schema):
        keyword = str(error.validator)
        where = pointer(list(error.absolute_path))
        problems.append(Problem(where, f"not valid JSON Schema 2020-12 ({keyword}): {error.message[:200]}"))
    return problems


def _pattern_problem(source: str) -> str | None:
    if len(source) > MAX_PATTERN:
        return f"`pattern` is {len(source)} characters; at most {MAX_PATTERN} are allowed"
    try:
        from re import _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser

        parsed = _parser.parse(source)
    except (re.error, RecursionError, OverflowError) as error:
        return f"`pattern` is not a valid regular expression: {str(error)[:100]}"
    return _backtracking(parsed, inside_repeat=False)


def _backtracking(parsed: Any, *, inside_repeat: bool) -> str | None:
    """Nested unbounded quantifiers (`(a+)+`) and backreferences: the shapes of catastrophic backtracking."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in parsed:
        children: list[Any] = []
        repeat = inside_repeat
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = av
            if inside_repeat and high > 1:
                return "`pattern` nests quantifiers (e.g. `(a+)+`), which can backtrack for a very long time"
            children, repeat = [sub], inside_repeat or high > 1
        elif op is c.SUBPATTERN:
            children = [av[-1]]
        elif op is c.BRANCH:
            children = list(av[1])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            children = [av[1]]
        elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
            return "`pattern` may not use backreferences"
        for child in children:
            found = _backtracking(child, inside_repeat=repeat)
            if found:
                return found
    return None


def _subschemas(node: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(relative path, subschema) of every schema position below `node` that the profile allows."""
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            yield ("properties", name), sub
    for keyword in _SINGLE_SUBSCHEMA:
        if keyword in node:
            yield (keyword,), node[keyword]
    defs = node.get("$defs")
    if isinstance(defs, dict):
        for name, sub in defs.items():
            yield ("$defs", name), sub


def _shape(node: Any, level: int, refs: list[tuple[int, str]]) -> int:
    """Levels of schema in `node` ignoring `$ref`s; appends (level, target) of every local `$ref`."""
    if not isinstance(node, dict):
        return level
    ref = node.get("$ref")
    if isinstance(ref, str) and (match := _REF.fullmatch(ref)):
        refs.append((level, _unescape(match.group(1))))
    deepest = level
    for _, sub in _subschemas(node):
        deepest = max(deepest, _shape(sub, level + 1, refs))
    return deepest


def def_heights(defs: dict[str, Any]) -> dict[str, int]:
    """Each `$defs` entry's height (levels), following `$ref`s, capped at MAX_DEPTH + 1.

    Following a `$ref` counts as one level, so a chain of references cannot hide depth. Computed by
    relaxation (no recursion over the reference graph): a cycle simply climbs to the cap.
    """
    cap = MAX_DEPTH + 1
    local: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    for name, body in defs.items():
        refs: list[tuple[int, str]] = []
        local[name] = (_shape(body, 1, refs), refs)
    heights = {name: min(cap, shape) for name, (shape, _) in local.items()}
    for _ in range(cap + 1):
        changed = False
        for name, (shape, refs) in local.items():
            best = max([shape, *(level + heights.get(target, cap) for level, target in refs)])
            best = min(cap, best)
            if best != heights[name]:
                heights[name], changed = best, True
        if not changed:
            break
    return heights


class _Walk:
    def __init__(self, root: dict[str, Any]) -> None:
        defs = root.get("$defs")
        self.defs: dict[str, Any] = defs if isinstance(defs, dict) else {}
        self.heights = def_heights(self.defs)
        self.problems: list[Problem] = []

    def problem(self, parts: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(pointer(parts), message))

    def ref(self, ref: Any, parts: tuple[str | int, ...], depth: int) -> None:
        where = (*parts, "$ref")
        match = _REF.fullmatch(ref) if isinstance(ref, str) else None
        if match is None:
            self.problem(where, "`$ref` must point into this schema's `$defs` (\"#/$defs/name\"); "
                                "nothing is ever fetched")
            return
        name = _unescape(match.group(1))
        if name not in self.defs:
            self.problem(where, f"`$ref` points to `$defs/{name}`, which does not exist")
        elif depth + self.heights[name] > MAX_DEPTH:
            self.problem(where, f"following `$ref` nests schemas deeper than {MAX_DEPTH} levels "
                                "(or into a `$ref` cycle)")

    def keywords(self, node: dict[str, Any], parts: tuple[str | int, ...]) -> None:
        for keyword in node:
            if keyword not in KEYWORDS:
                self.problem((*parts, keyword), f"`{keyword}` is not allowed in an intake form schema")
        if parts and "$schema" in node:
            self.problem((*parts, "$schema"), "`$schema` is only allowed at the root")
        elif node.get("$schema", SCHEMA_URI) != SCHEMA_URI:
            self.problem((*parts, "$schema"), f"`$schema` must be {SCHEMA_URI}")
        if parts and "$defs" in node:
            self.problem((*parts, "$defs"), "`$defs` is only allowed at the root")
        if "format" in node and node["format"] not in FORMATS:
            self.problem((*parts, "format"), f"`format` must be one of: {', '.join(FORMATS)}")
        if isinstance(node.get("pattern"), str) and (found := _pattern_problem(node["pattern"])):
            self.problem((*parts, "pattern"), found)

    def walk(self, node: Any, parts: tuple[str | int, ...], depth: int) -> None:
        if not isinstance(node, dict):
            return  # booleans are valid schemas; anything else is the meta-schema's to report
        if depth > MAX_DEPTH:
            self.problem(parts, f"schemas nest deeper than {MAX_DEPTH} levels")
            return
        self.keywords(node, parts)
        if "$ref" in node:
            self.ref(node["$ref"], parts, depth)
        for relative, sub in _subschemas(node):
            self.walk(sub, (*parts, *relative), depth + 1)


def profile_problems(schema: Any) -> list[Problem]:
    """Everything the profile refuses, each at the JSON pointer of its keyword."""
    if not isinstance(schema, dict):
        return [Problem("", "an intake form schema is a JSON object")]
    walk = _Walk(schema)
    if schema.get("type") != "object":
        walk.problem(("type",), "an intake form is an object: the root `type` must be \"object\"")
    walk.walk(schema, (), 1)
    return walk.problems


def problems(schema: Any) -> list[Problem]:
    """Both passes (after the document bounds), without duplicates, in document order of discovery."""
    found = document_problems(schema)
    if found:
        return found
    seen: dict[tuple[str, str], Problem] = {}
    for problem in [*meta_problems(schema), *profile_problems(schema)]:
        seen.setdefault((problem.pointer, problem.message), problem)
    return list(seen.values())
