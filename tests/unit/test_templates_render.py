"""Template rendering: escaping, strict variables, the sandbox policy, text from HTML, SMS segments."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2.exceptions import SecurityError, TemplateAssertionError, UndefinedError

from shared.platform.errors import TemplateVariablesMissing, ValidationFailed
from shared.platform.http import status_of
from shared.templates import render
from shared.templates.models import Template

pytestmark = pytest.mark.unit


def template(**fields: Any) -> Template:
    """A stored-looking template, built around the service (so the render-time checks are what is tested)."""
    base: dict[str, Any] = {
        "id": "01TEMPLATE", "community_id": "01COMMUNITY", "name": "Notice", "channel": "email",
        "category": "transactional", "variables": [], "version": 1, "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
    }
    return Template(**(base | fields))


# --- escaping and variables ---------------------------------------------------------------------


def test_html_escapes_variable_values_but_not_the_template_itself() -> None:
    out = render.render(template(subject="For {{ first_name }}", html="<p>Hi <b>{{ first_name }}</b></p>"),
                        {"first_name": "<script>alert('x')</script>"})
    assert out.html == "<p>Hi <b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</b></p>"
    assert "<script>" not in (out.html or "")
    assert out.subject == "For <script>alert('x')</script>"  # a header, not HTML: no entities


def test_subject_text_and_sms_are_not_escaped() -> None:
    out = render.render(template(subject="{{ a }}", text="Tom & {{ a }}"), {"a": "Jerry & <Co>"})
    assert out.subject == "Jerry & <Co>" and out.text == "Tom & Jerry & <Co>"
    sms = render.render(template(channel="sms", text="{{ a }} > 1"), {"a": "R&D"})
    assert sms.text == "R&D > 1" and sms.html is None and sms.subject is None


def test_every_missing_variable_is_named_before_anything_renders() -> None:
    tpl = template(subject="{{ community_name }}", html="{{ first_name }} {{ unit }}", text="{{ balance }}")
    with pytest.raises(TemplateVariablesMissing) as caught:
        render.render(tpl, {"first_name": "Ann"})
    error = caught.value
    assert status_of(error) == 422 and error.code == "TEMPLATE_VARIABLES_MISSING"
    assert [(d.field, d.message) for d in error.details] == [
        ("balance", "is missing"), ("community_name", "is missing"), ("unit", "is missing")]
    assert "balance, community_name, unit" in error.message


def test_variables_used_only_in_a_false_branch_are_still_required() -> None:
    with pytest.raises(TemplateVariablesMissing) as caught:
        render.render(template(subject="s", text="{% if unit %}{{ unit }}{% endif %}"), {})
    assert [d.field for d in caught.value.details] == ["unit"]


def test_null_renders_as_nothing_and_default_fills_it() -> None:
    out = render.render(template(subject="s", text="[{{ unit }}] {{ first_name|default('neighbour', true) }}"),
                        {"unit": None, "first_name": None})
    assert out.text == "[] neighbour"


def test_extra_variables_are_ignored() -> None:
    assert render.render(template(subject="s", text="x"), {"unused": 1}).text == "x"


def test_strict_undefined_backs_up_the_missing_check() -> None:
    with pytest.raises(UndefinedError):
        render.environment("text").from_string("{{ nobody }}").render()
    with pytest.raises(UndefinedError):
        render.environment("html").from_string("{{ nobody ~ 'x' }}").render()


def test_variables_are_read_from_the_sources_sorted() -> None:
    assert render.variables_of("{{ b }} {{ a }}", None, "{% if c %}{{ a|upper }}{% endif %}", "") == ["a", "b", "c"]
    assert render.check({"subject": "{{ z }}", "html": "{{ y }}", "text": None}) == ["y", "z"]
    assert render.variables_of("plain") == []


def test_standard_variables() -> None:
    assert set(render.STANDARD_VARIABLES) == {"first_name", "last_name", "full_name", "email", "unit", "balance",
                                              "community_name", "unsubscribe_url"}


def test_subject_renders_on_one_line() -> None:
    out = render.render(template(subject="Hello {{ n }}", text="x"), {"n": "Ann\r\nBcc: evil@example.com"})
    assert out.subject == "Hello Ann Bcc: evil@example.com"


def test_filters_and_conditions_work() -> None:
    source = "{{ first_name|upper }} {% if balance > 0 %}owes {{ balance|round(2) }}{% else %}paid{% endif %}"
    assert render.render(template(subject="s", text=source), {"first_name": "ann", "balance": 12.345}).text == (
        "ANN owes 12.35")


def test_data_that_does_not_fit_is_a_422_on_the_part() -> None:
    with pytest.raises(ValidationFailed) as caught:
        render.render(template(subject="s", text="{{ balance|round }}"), {"balance": "lots"})
    assert caught.value.details[0].field == "text"


def test_output_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "MAX_RENDERED_CHARS", 100)
    with pytest.raises(ValidationFailed) as caught:
        render.render(template(subject="s", html="{{ a }}{{ a }}{{ a }}"), {"a": "x" * 40})
    assert caught.value.details[0].field == "html"


# --- the sandbox --------------------------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self }}",
    "{{ request.application.__globals__.__builtins__ }}",
    "{{ config.items() }}",
    "{{ first_name.__class__ }}",
    "{{ first_name['__class__'] }}",
    "{{ first_name|attr('__class__') }}",
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ '{0.__class__}'.format(first_name) }}",
    "{{ first_name|format('%s') }}",
    "{{ range(100000000)|list }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ 'x' * 1000000000 }}",
    "{{ first_name|replace('', first_name) }}",
    "{{ first_name|center(1000000000) }}",
    "{{ first_name|urlencode|urlencode|urlencode|urlencode|urlencode|urlencode|urlencode|urlencode }}",
    "{% for x in first_name %}{% for y in first_name %}{{ y }}{% endfor %}{% endfor %}",
    "{% set x = first_name ~ first_name %}{{ x }}",
    "{% autoescape false %}{{ first_name }}{% endautoescape %}",
    "{{ first_name|safe }}",
    "{% include 'other.html' %}",
    "{% extends 'base.html' %}",
    "{% import 'macros.html' as m %}",
    "{% from 'macros.html' import m %}",
    "{% macro m() %}{{ caller() }}{% endmacro %}",
    "{% filter upper %}x{% endfilter %}",
    "{% with a = 1 %}{{ a }}{% endwith %}",
    "{{ __builtins__ }}",
    "{{ _private }}",
]


@pytest.mark.parametrize("source", ESCAPES)
@pytest.mark.parametrize("part", ["html", "text", "subject"])
def test_escapes_are_refused_naming_the_field(source: str, part: render.Part) -> None:
    with pytest.raises(ValidationFailed) as caught:
        render.check({part: source})
    assert status_of(caught.value) == 422 and caught.value.code == "VALIDATION_FAILED"
    assert {d.field for d in caught.value.details} == {part}
    assert all(d.message for d in caught.value.details)


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_in_a_stored_template_are_refused_at_render_too(source: str) -> None:
    with pytest.raises(ValidationFailed):
        render.render(template(subject="s", html=source), {"first_name": "Ann", "request": "r", "config": "c"})


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''['__class__'] }}",
    "{{ ''|attr('__class__') }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ '{0.__class__}'.format('') }}",
    "{{ range(10) }}",
    "{{ x.__class__ }}",
])
def test_the_sandbox_itself_holds_without_the_policy(source: str) -> None:
    """Even a template that skipped the policy cannot reach Python internals."""
    try:
        out = render.environment("html").from_string(source).render(x="value")
    except (SecurityError, UndefinedError, TemplateAssertionError):
        return
    assert "class" not in out and "function" not in out and "module" not in out


def test_syntax_errors_name_the_field_and_line() -> None:
    with pytest.raises(ValidationFailed) as caught:
        render.check({"subject": "ok {{ a }}", "html": "line one\n{{ unclosed", "text": "{% if %}"})
    fields = {d.field: d.message for d in caught.value.details}
    assert set(fields) == {"html", "text"}
    assert fields["html"].startswith("line 2:")


def test_allowed_constructs_pass_the_policy() -> None:
    source = ("{# note #}{% raw %}{{ literal }}{% endraw %}{{ a|default('x')|upper }} {{ a ~ '!' }}"
              "{% if a is defined and a in ['x', 'y'] and not b %}{{ -1 }}{% elif b %}{{ b|truncate(10) }}{% endif %}"
              "{{ 'y' if a else 'n' }}")
    assert render.check({"html": source}) == ["a", "b"]
    assert render.render(template(subject="s", html=source), {"a": "x", "b": None}).html == "{{ literal }}X x!-1y"


# --- text from HTML -----------------------------------------------------------------------------


def test_text_is_derived_from_html_when_the_template_has_none() -> None:
    html = """<html><head><title>T</title><style>p { color: red }</style></head><body>
      <h1>Hello   {{ first_name }}</h1>
      <p>Your balance is <b>{{ balance }}</b>&nbsp;&amp; due.<br>Thanks!</p>
      <ul><li>One</li><li>Two</li></ul>
      <p>Pay at <a href="https://pay.example.com/x?a=1&amp;b=2">the portal</a>,
         see <a href="https://example.com">https://example.com</a>
         or <a href="#top">top</a>.</p>
      <script>var x = "<p>hidden</p>";</script>
    </body></html>"""
    out = render.render(template(subject="s", html=html), {"first_name": "Ann <3", "balance": "$10"})
    assert out.text == (
        "Hello Ann <3\n\n"
        "Your balance is $10 & due.\nThanks!\n\n"
        "- One\n- Two\n\n"
        "Pay at the portal (https://pay.example.com/x?a=1&b=2), see https://example.com or top."
    )


def test_a_given_text_part_is_used_as_is() -> None:
    out = render.render(template(subject="s", html="<p>{{ a }}</p>", text="Plain {{ a }}"), {"a": "<x>"})
    assert out.text == "Plain <x>" and out.html == "<p>&lt;x&gt;</p>"


def test_html_to_text_edge_cases() -> None:
    assert render.html_to_text("<a href='https://x.example'></a>") == "https://x.example"
    assert render.html_to_text("a&#39;b &lt;tag&gt; &eacute;") == "a'b <tag> é"
    assert render.html_to_text("<head><title>only head") == ""
    assert render.html_to_text("<head><title>t</title><body>body text") == "body text"
    assert render.html_to_text("<table><tr><td>a</td><td>b</td></tr></table>") == "a b"
    assert render.html_to_text("  spaced \n\n out  ") == "spaced out"


# --- SMS segments -------------------------------------------------------------------------------

GSM_BASIC_SAMPLE = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0189:;<=>?¡AZÄÖÑÜ§¿azäöñüà"


@pytest.mark.parametrize(("text", "length", "segments", "encoding"), [
    ("", 0, 0, "GSM-7"),
    ("a", 1, 1, "GSM-7"),
    ("a" * 160, 160, 1, "GSM-7"),
    ("a" * 161, 161, 2, "GSM-7"),
    ("a" * 306, 306, 2, "GSM-7"),
    ("a" * 307, 307, 3, "GSM-7"),
    (GSM_BASIC_SAMPLE, len(GSM_BASIC_SAMPLE), 1, "GSM-7"),
    ("€", 2, 1, "GSM-7"),
    ("^{}\\[~]|€\f", 20, 1, "GSM-7"),  # ten extension characters, two septets each
    ("€" * 80, 160, 1, "GSM-7"),
    ("€" * 81, 162, 2, "GSM-7"),
    ("a" * 159 + "€", 161, 2, "GSM-7"),
    ("a" * 152 + "€" + "a" * 152, 306, 3, "GSM-7"),  # the escape pair cannot straddle parts
    ("ж" * 70, 70, 1, "UCS-2"),
    ("ж" * 71, 71, 2, "UCS-2"),
    ("ж" * 134, 134, 2, "UCS-2"),
    ("ж" * 135, 135, 3, "UCS-2"),
    ("a" * 159 + "ç", 160, 3, "UCS-2"),  # one non-GSM character switches the whole message
    ("`", 1, 1, "UCS-2"),
    ("👍", 2, 1, "UCS-2"),  # outside the BMP: a surrogate pair, two code units
    ("👍" * 35, 70, 1, "UCS-2"),
    ("👍" * 36, 72, 2, "UCS-2"),
    ("ж" * 66 + "👍" + "ж" * 66, 134, 3, "UCS-2"),  # the pair cannot straddle parts
])
def test_sms_info(text: str, length: int, segments: int, encoding: str) -> None:
    assert render.sms_info(text) == render.SmsInfo(length=length, segments=segments, encoding=encoding)  # type: ignore[arg-type]


# --- issue 17: a saved template must render ------------------------------------------------------


@pytest.mark.parametrize("source", [
    "{{ first_name|truncate(-1) }}",  # AssertionError inside jinja
    "{% if first_name %}" * 150 + "x" + "{% endif %}" * 150,  # IndentationError from Python's compiler
    "{{ " + "(" * 500 + "first_name" + ")" * 500 + " }}",  # RecursionError in jinja's parser
    "{{ first_name" + "|trim" * 300 + " }}",
    "{{ " + "not " * 400 + "first_name }}",
    "{{ first_name|round }}",  # a standard variable is text: round cannot take it, for anyone
    "{% if balance > 0 %}due{% endif %}",  # balance is a money string at every send
])
def test_check_refuses_templates_that_cannot_render(source: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        render.check({"text": source})
    assert [d.field for d in refused.value.details] == ["text"]


@pytest.mark.parametrize("source", [
    "{{ fee|round(2) }}",  # the template's own variable may be a number
    "{{ code|upper }}",  # ... or text
    "{% if first_name %}" * 20 + "x" + "{% endif %}" * 20,
    "{{ first_name|truncate(10) }} {{ balance }} {{ unsubscribe_url }}",
])
def test_check_accepts_templates_that_render(source: str) -> None:
    assert render.check({"text": source})


def test_nesting_is_capped_and_named() -> None:
    deep = "{% if a %}" * render.MAX_NESTING + "x" + "{% endif %}" * render.MAX_NESTING
    with pytest.raises(ValidationFailed) as refused:
        render.check({"html": deep})
    assert refused.value.details[0].field == "html" and "nests more than" in refused.value.details[0].message


def test_a_stored_template_that_cannot_render_is_a_422_not_an_exception() -> None:
    for stored in (template(text="{{ first_name|truncate(-1) }}"),
                   template(text="{% if a %}" * 150 + "x" + "{% endif %}" * 150)):
        with pytest.raises(ValidationFailed):
            render.render(stored, {"first_name": "Ann", "a": True})


def test_rendered_subjects_hold_no_control_or_line_break_characters() -> None:
    out = render.render(template(subject="Hi {{ n }}", text="x"), {"n": "Ann\r\nBcc: x@example.com\u2028\x00!"})
    assert out.subject == "Hi Ann Bcc: x@example.com !"
