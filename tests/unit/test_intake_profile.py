"""The intake form profile and the answers' validation, by tables of cases (no AWS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.intake import answers, default_form, profile

pytestmark = pytest.mark.unit


def nested(levels: int) -> dict[str, Any]:
    """An object schema whose `properties` nest `levels` schemas deep (the root is level 1)."""
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels - 1):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def form(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


REFUSED = [
    ("remote $ref", form(x={"$ref": "https://example.com/schema.json"}), "/properties/x/$ref"),
    ("relative file $ref", form(x={"$ref": "other.json#/a"}), "/properties/x/$ref"),
    ("$ref to a missing def", form(x={"$ref": "#/$defs/nope"}), "/properties/x/$ref"),
    ("pattern of 500 characters", form(x={"type": "string", "pattern": "a" * 500}), "/properties/x/pattern"),
    ("nested quantifiers", form(x={"type": "string", "pattern": "^(a+)+$"}), "/properties/x/pattern"),
    ("backreference", form(x={"type": "string", "pattern": "(a)\\1"}), "/properties/x/pattern"),
    ("invalid regex", form(x={"type": "string", "pattern": "(unclosed"}), "/properties/x/pattern"),
    ("unknown keyword", form(x={"type": "string", "x-widget": "fancy"}), "/properties/x/x-widget"),
    ("keyword outside the profile", form(x={"type": "array", "uniqueItems": True}), "/properties/x/uniqueItems"),
    ("$id (would rebase references)", {**form(), "$id": "https://example.com/s"}, "/$id"),
    ("format outside the three", form(x={"type": "string", "format": "uri"}), "/properties/x/format"),
    ("$defs below the root", form(x={"type": "object", "$defs": {"a": {}}}), "/properties/x/$defs"),
    ("another $schema", {**form(), "$schema": "http://json-schema.org/draft-07/schema#"}, "/$schema"),
    ("not an object form", {"type": "string"}, "/type"),
    ("meta-schema: bad type name", form(x={"type": "strng"}), "/properties/x/type"),
    ("meta-schema: negative minLength", form(x={"type": "string", "minLength": -1}), "/properties/x/minLength"),
    ("depth 12", nested(12), "/properties/a" * 8),
    ("$ref cycle", {"type": "object", "$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}},
                    "properties": {"list": {"$ref": "#/$defs/n"}}}, "/properties/list/$ref"),
]


@pytest.mark.parametrize(("case", "schema", "where"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_the_keyword_pointer(case: str, schema: dict[str, Any], where: str) -> None:
    found = profile.problems(schema)
    assert where in [p.pointer for p in found], (case, found)


ACCEPTED = [
    ("the default form", default_form.SCHEMA),
    ("depth 8", nested(8)),
    ("local $ref within depth", {"type": "object", "$defs": {"a": {"type": "string"}},
                                 "properties": {"x": {"$ref": "#/$defs/a"}}}),
    ("if/then/else", form(x={"type": "string", "if": {"const": "a"}, "then": {"maxLength": 1},
                             "else": {"minLength": 2}})),
    ("boolean subschemas", form(x=True, y=False)),
    ("pattern of 200 characters", form(x={"type": "string", "pattern": "a" * 200})),
    ("bounded repetition in a group", form(x={"type": "string", "pattern": "^([A-Z][0-9]){3}$"})),
]


@pytest.mark.parametrize(("case", "schema"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted(case: str, schema: dict[str, Any]) -> None:
    assert profile.problems(schema) == []


def test_a_chain_of_refs_counts_one_level_per_hop() -> None:
    defs = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(20)} | {"d20": {"type": "string"}}
    schema = {"type": "object", "$defs": defs, "properties": {"x": {"$ref": "#/$defs/d0"}}}
    assert "/properties/x/$ref" in [p.pointer for p in profile.problems(schema)]
    assert profile.def_heights(defs)["d19"] == 2 and profile.def_heights(defs)["d0"] == profile.MAX_DEPTH + 1


def test_size_and_raw_nesting_are_checked_before_anything_recurses() -> None:
    big = form(x={"type": "string", "description": "x" * (profile.MAX_BYTES + 1)})
    assert [p.pointer for p in profile.problems(big)] == [""]
    deep: Any = 1
    for _ in range(5_000):
        deep = [deep]
    found = profile.problems(form(x={"type": "array", "default": deep}))
    assert len(found) == 1 and found[0].message.startswith("JSON nested deeper")


def test_pointers_escape_slash_and_tilde() -> None:
    assert profile.pointer(["properties", "a/b~c", 0]) == "/properties/a~1b~0c/0"


FORMATS = [
    ("email", "ann@example.com", True), ("email", "ann@", False), ("email", "not an email", False),
    ("date", "2026-12-02", True), ("date", "2026-02-30", False), ("date", "02/12/2026", False),
    ("date", "2026-12-02T10:00:00Z", False),
    ("phone", "+14165550123", True), ("phone", "4165550123", False), ("phone", "+1 416 555 0123", False),
    ("phone", "+1416555012", False), ("phone", "+999123456789", False),
]


@pytest.mark.parametrize(("fmt", "value", "ok"), FORMATS)
def test_formats(fmt: str, value: str, ok: bool) -> None:
    validator = answers.compile(form(x={"type": "string", "format": fmt}))
    found = answers.errors(validator, {"x": value})
    assert (found == []) == ok, found
    if not ok:
        assert found[0][0] == "/answers/x"


def test_every_error_at_its_pointer_without_echoing_the_value() -> None:
    validator = answers.compile(default_form.SCHEMA)
    secret = "x" * 300
    found = answers.errors(validator, {
        "personal": {"first_name": secret, "last_name": "Lee", "email": "nope", "phone": "123"},
        "pets": [{"kind": "dragon"}], "credit_check_consent": False,
    })
    assert dict(found) == {
        "/answers/current_address": "is required",
        "/answers/employment": "is required",
        "/answers/personal/date_of_birth": "is required",
        "/answers/personal/email": "must be a valid email",
        "/answers/personal/first_name": "must be at most 100 characters long",
        "/answers/personal/phone": "must be a phone number in E.164 form, e.g. +14165550123",
        "/answers/pets/0/kind": "must be one of the allowed values",
        "/answers/credit_check_consent": "must be exactly the expected value",
    }
    assert all(secret not in message for _, message in found)


def test_if_then_applies_the_then_branch() -> None:
    validator = answers.compile(default_form.SCHEMA)
    employed = {"employment": {"status": "employed", "monthly_income": "4000.00"}}
    student = {"employment": {"status": "student", "monthly_income": "400.00"}}
    assert ("/answers/employment/employer", "is required") in answers.errors(validator, employed)
    assert "/answers/employment/employer" not in dict(answers.errors(validator, student))


def test_a_remote_ref_is_never_fetched() -> None:
    """Belt and braces: even a schema that skipped the profile cannot reach the network."""
    from referencing.exceptions import Unresolvable

    validator = answers.compile(form(x={"$ref": "https://example.com/s.json"}))
    with pytest.raises(Unresolvable):
        answers.errors(validator, {"x": 1})


def test_the_demo_application_is_valid_under_the_default_form() -> None:
    from shared.intake import demo

    assert answers.errors(answers.compile(default_form.SCHEMA), demo.ANSWERS) == []


def test_handlers_import_jsonschema_only_when_they_use_it() -> None:
    """Cold start: jsonschema (and its referencing registry) loads on the first validation, not at import."""
    import subprocess
    import sys

    code = ("import sys, functions.api.intake.public_apply, functions.api.intake.form_put, "
            "functions.api.onboarding.get; assert 'jsonschema' not in sys.modules, 'jsonschema imported'")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
