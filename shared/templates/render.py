"""Rendering message templates: a jinja2 sandbox behind a narrow policy, plus SMS segment maths.

Templates are written by community staff and filled with resident data, so two layers stand
between a template and the process:

1. A policy on the parsed template (`check`, run at create/update and again before every render):
   only placeholders, `{% if %}` conditions, comparisons, `~` concatenation, literals and a short
   list of filters. Attribute/item access, calls, loops, assignments, arithmetic, imports,
   macros, blocks and `{% autoescape %}` are refused, so the classic escapes
   (`''.__class__.__mro__`, `cycler.__init__.__globals__`, `|attr(...)`, `'{0.__class__}'.format`)
   cannot even be written, and output grows only linearly with the template and its variables
   (the result is also capped while it streams out).
2. jinja2's `ImmutableSandboxedEnvironment` with no globals and only those filters, should
   something slip past the policy (or be stored around it).

HTML parts are autoescaped (a `<script>` in a variable arrives as text); subject, text and SMS
are not (they are not HTML). Undefined variables never render silently: every missing one is
named before rendering (`TemplateVariablesMissing`), and `StrictUndefined` backs that up.
Pure: no AWS, no filesystem loader; each render call compiles each part once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2 import Template as CompiledTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from shared.platform import text as text_rules
from shared.platform.errors import FieldError, TemplateVariablesMissing, ValidationFailed

if TYPE_CHECKING:
    from shared.templates.models import Template

STANDARD_VARIABLES: tuple[str, ...] = (
    "first_name", "last_name", "full_name", "email", "unit", "balance", "community_name", "unsubscribe_url",
)
"""Variables every send can fill (from the resident and the community); templates may add their own."""

ALLOWED_FILTERS: frozenset[str] = frozenset({
    "abs", "capitalize", "d", "default", "e", "escape", "float", "int", "length", "lower", "round", "string",
    "striptags", "title", "trim", "truncate", "upper", "wordcount",
})
"""Filters that cannot multiply their input, even chained (no `replace`, `join`, `center`, `format`,
`urlencode`: `%` becomes `%25`, so a chain of them grows exponentially) or reach objects (`attr`)."""

MAX_RENDERED_CHARS = 1_000_000
"""One rendered part larger than this is a mistake (or an attack), not a message."""

MAX_NESTING = 32
"""Deepest parsed template allowed (nodes from the root: ~29 nested `{% if %}`, or a chain of ~30
filters). Python's compiler stops near 100 indentation levels and jinja's parser recurses per
bracket, so without a cap a template could be saved that can never compile."""

SAMPLE_VALUES: dict[str, str] = {
    "first_name": "Alex", "last_name": "Sample", "full_name": "Alex Sample", "email": "alex@example.com",
    "unit": "101", "balance": "125.50", "community_name": "Maple Court",
    "unsubscribe_url": "https://example.com/u/sample",
}
"""What a template is rendered with when saved: the standard variables as sends fill them (all strings)."""
_CUSTOM_SAMPLES: tuple[object, ...] = ("Sample", 1)  # a campaign's own variable may be text or a number

_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Filter, nodes.Test,
    nodes.Keyword, nodes.If, nodes.CondExpr, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos,
    nodes.Compare, nodes.Operand, nodes.Concat, nodes.List, nodes.Tuple,
    nodes.Scope,  # only ever the body of `{% autoescape %}`, whose modifier is refused below
)
_TAG_NAMES: dict[type[nodes.Node], str] = {
    nodes.For: "{% for %}", nodes.Macro: "{% macro %}", nodes.CallBlock: "{% call %}", nodes.Block: "{% block %}",
    nodes.Extends: "{% extends %}", nodes.Include: "{% include %}", nodes.Import: "{% import %}",
    nodes.FromImport: "{% from %}", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
    nodes.FilterBlock: "{% filter %}", nodes.With: "{% with %}",
    nodes.ScopedEvalContextModifier: "{% autoescape %}", nodes.EvalContextModifier: "{% autoescape %}",
}
# Not `BinExpr`: `and`/`or` are BinExprs too. `**` and `*` would run at compile time (constant folding).
_ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)
_RESERVED_NAMES = frozenset({"self"})  # jinja binds it to the template itself
MAX_PROBLEMS_PER_FIELD = 10

Part = Literal["subject", "html", "text"]


def _finalize(value: object) -> object:
    """`None` renders as nothing, so an optional variable may be given as null."""
    return "" if value is None else value


def _environment(autoescape: bool) -> SandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()  # no range/cycler/joiner/lipsum/namespace/dict: templates see only their variables
    env.filters = {name: f for name, f in env.filters.items() if name in ALLOWED_FILTERS}
    return env


_HTML_ENV = _environment(autoescape=True)
_PLAIN_ENV = _environment(autoescape=False)


def environment(part: Part) -> SandboxedEnvironment:
    """The sandbox a part renders in (the policy is separate: see `check`)."""
    return _HTML_ENV if part == "html" else _PLAIN_ENV


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    html: str | None
    text: str


@dataclass(frozen=True)
class SmsInfo:
    length: int  # GSM-7 septets, or UTF-16 code units for UCS-2
    segments: int
    encoding: Literal["GSM-7", "UCS-2"]


# --- parsing and the policy -------------------------------------------------------------------


def _problems(ast: nodes.Template) -> list[str]:
    """Why this parsed template is refused (empty when it is fine)."""
    found: list[str] = []
    stack: list[nodes.Node] = [ast]
    while stack:
        node = stack.pop()
        stack.extend(node.iter_child_nodes())
        problem = _problem(node)
        if problem is not None:
            line = getattr(node, "lineno", None)
            message = f"line {line}: {problem}" if line else problem
            if message not in found:
                found.append(message)
    return sorted(found)


def _problem(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        return "attribute and item access are not allowed; use a plain placeholder like {{ first_name }}"
    if isinstance(node, nodes.Call):
        return "function and method calls are not allowed; use a filter like {{ first_name|upper }}"
    if isinstance(node, _ARITHMETIC):
        return "arithmetic is not allowed in templates"
    if isinstance(node, nodes.Name) and (node.name.startswith("_") or node.name in _RESERVED_NAMES):
        return f"'{node.name}' is not a usable variable name"
    if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
        return f"the filter '{node.name}' is not allowed (allowed: {', '.join(sorted(ALLOWED_FILTERS))})"
    if isinstance(node, nodes.Test) and node.name not in _PLAIN_ENV.tests:
        return f"there is no test named '{node.name}'"
    if not isinstance(node, _ALLOWED_NODES):
        tag = _TAG_NAMES.get(type(node))
        return f"{tag} is not allowed in templates" if tag else f"'{type(node).__name__}' is not allowed in templates"
    return None


def _depth(ast: nodes.Template) -> int:
    """How deep the parsed template nests (the root is 1); iterative, so depth itself cannot overflow."""
    deepest = 0
    stack: list[tuple[nodes.Node, int]] = [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


def _refused(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[FieldError(field, message)])


def _parse(part: Part, source: str, *, field: str) -> nodes.Template:
    """Parse and police one source; `ValidationFailed` naming `field` when it is refused."""
    try:
        ast = environment(part).parse(source)
    except TemplateSyntaxError as exc:
        raise _refused(field, f"line {exc.lineno}: {exc.message}") from exc
    except RecursionError as exc:  # jinja's parser recurses per bracket: `((((...a...))))`
        raise _refused(field, f"nests more than {MAX_NESTING} levels deep") from exc
    except Exception as exc:  # noqa: BLE001 - whatever the parser raises, the template is refused, never a 500
        raise _refused(field, f"cannot be parsed: {type(exc).__name__}") from exc
    if _depth(ast) > MAX_NESTING:
        raise _refused(field, f"nests more than {MAX_NESTING} levels deep")
    problems = _problems(ast)
    if problems:
        raise ValidationFailed(details=[FieldError(field, p) for p in problems[:MAX_PROBLEMS_PER_FIELD]])
    return ast


def check(sources: Mapping[Part, str | None]) -> list[str]:
    """Parse, police, compile and sample-render every given part; their variables, sorted.

    Refusals name every bad part. A part is rendered with `SAMPLE_VALUES` for the standard
    variables and, for its own variables, text or a number (it passes when either renders), so a
    template that can only fail at send time (`truncate(-1)`, a filter the data cannot feed) is a
    422 now rather than a message that never goes out.
    """
    details: list[FieldError] = []
    found: set[str] = set()
    for part, source in sources.items():
        if not source:
            continue
        try:
            ast = _parse(part, source, field=part)
            used = meta.find_undeclared_variables(ast)
            _try_samples(part, _compile(part, ast), used)
            found |= used
        except ValidationFailed as exc:
            details.extend(exc.details)
    if details:
        raise ValidationFailed(details=details)
    return sorted(found)


def _try_samples(part: Part, compiled: CompiledTemplate, used: set[str]) -> None:
    """Render with sample values; the first attempt's refusal if none of them renders."""
    first: ValidationFailed | None = None
    for custom in _CUSTOM_SAMPLES:
        values = {name: SAMPLE_VALUES.get(name, custom) for name in used}
        try:
            _run(part, compiled, values)
            return
        except ValidationFailed as exc:
            first = first or exc
    assert first is not None
    raise first


def variables_of(*sources: str | None) -> list[str]:
    """The variables these (plain-text) sources use, sorted; refused sources raise `ValidationFailed`."""
    found: set[str] = set()
    for source in sources:
        if source:
            found |= meta.find_undeclared_variables(_parse("text", source, field="template"))
    return sorted(found)


# --- rendering ----------------------------------------------------------------------------------


def _compile(part: Part, ast: nodes.Template) -> CompiledTemplate:
    """Compile a policed AST; any failure (SyntaxError, RecursionError, ...) is a refusal naming `part`."""
    env = environment(part)
    try:
        return env.template_class.from_code(env, env.compile(ast), env.make_globals(None), None)
    except Exception as exc:  # noqa: BLE001 - a template that cannot compile is refused, never a 500
        raise _refused(part, f"cannot be compiled: {type(exc).__name__}: {str(exc)[:160]}") from exc


def _run(part: Part, compiled: CompiledTemplate, variables: dict[str, object]) -> str:
    """Render, streaming, so an oversized result stops at the cap instead of filling memory."""
    chunks: list[str] = []
    size = 0
    try:
        for chunk in compiled.generate(variables):
            size += len(chunk)
            if size > MAX_RENDERED_CHARS:
                too_big = FieldError(part, f"renders to more than {MAX_RENDERED_CHARS} characters")
                raise ValidationFailed(details=[too_big])
            chunks.append(chunk)
    except ValidationFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - TemplateError, AssertionError (`truncate(-1)`), RecursionError, ...
        # e.g. `{{ name|round }}` or `{% if balance > 0 %}` on a string: the data does not fit the template.
        reason = str(exc)[:200] or type(exc).__name__
        unfit = FieldError(part, f"cannot be rendered with these variables: {reason}")
        raise ValidationFailed(details=[unfit]) from exc
    return "".join(chunks)


class Prepared:
    """A template parsed, checked and compiled once, to render for many recipients (campaigns)."""

    def __init__(self, template: Template) -> None:
        sources: dict[Part, str | None] = {"subject": template.subject, "html": template.html, "text": template.text}
        parsed: dict[Part, nodes.Template] = {}
        details: list[FieldError] = []
        for part, source in sources.items():
            if source:
                try:
                    parsed[part] = _parse(part, source, field=part)
                except ValidationFailed as exc:
                    details.extend(exc.details)
        if details:
            raise ValidationFailed(details=details)
        self.used: frozenset[str] = frozenset().union(*(meta.find_undeclared_variables(a) for a in parsed.values()))
        self._compiled = {part: _compile(part, ast) for part, ast in parsed.items()}

    def render(self, variables: Mapping[str, object]) -> Rendered:
        missing = sorted(self.used - set(variables))
        if missing:
            raise TemplateVariablesMissing(
                f"Template variables are missing: {', '.join(missing)}.",
                details=[FieldError(name, "is missing") for name in missing],
            )
        values = dict(variables)
        out = {part: _run(part, compiled, values) for part, compiled in self._compiled.items()}
        html = out.get("html")
        text = out.get("text") or (html_to_text(html) if html else "")
        subject = out.get("subject")
        if subject is not None:  # a header is one line of printable text, whatever a variable held
            subject = text_rules.one_line(subject)
        return Rendered(subject=subject, html=html, text=text)


def render(template: Template, variables: Mapping[str, object]) -> Rendered:
    """Subject, HTML and text of `template` filled with `variables`.

    Every variable the template uses must be a key of `variables` (null renders as empty); all
    missing ones are named in one `TemplateVariablesMissing`. A template without a text part gets
    one derived from its rendered HTML.
    """
    return Prepared(template).render(variables)


# --- text from HTML -----------------------------------------------------------------------------

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section",
    "table", "tbody", "thead", "tfoot", "tr", "ul",
})
_SKIPPED = frozenset({"head", "script", "style", "template", "title"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class _TextExtractor(HTMLParser):
    """Readable text of an HTML email: block breaks kept, links as `text (url)`, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skipping: list[str] = []
        self._links: list[tuple[str | None, int]] = []  # href and where its text starts in `out`

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # a <head> left open must not swallow the message
            self._skipping.clear()
        elif tag in _SKIPPED:
            self._skipping.append(tag)
        elif self._skipping:
            return
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in {"td", "th"}:
            self.out.append(" ")
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.out)))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = _SPACES.sub(" ", "".join(self.out[start:])).strip()
            if href and not href.startswith(("#", "javascript:")) and label != href:
                self.out.append(f" ({href})" if label else href)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.out.append(data.replace("\n", " "))


def html_to_text(html: str) -> str:
    """A plain-text alternative for an HTML body (what a text-only mail client shows)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- SMS ----------------------------------------------------------------------------------------

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")  # sent as ESC + char: two septets each
GSM_SINGLE, GSM_MULTI = 160, 153  # septets in one SMS / per part of a concatenated one (UDH takes 7)
UCS2_SINGLE, UCS2_MULTI = 70, 67  # UTF-16 code units, likewise


def _segments(costs: Iterable[int], single: int, multi: int) -> tuple[int, int]:
    """Total length and parts; an escape pair or a surrogate pair is never split across parts."""
    units = list(costs)
    total = sum(units)
    if total == 0:
        return 0, 0
    if total <= single:
        return total, 1
    parts, used = 1, 0
    for cost in units:
        if used + cost > multi:
            parts, used = parts + 1, 0
        used += cost
    return total, parts


def sms_info(text: str) -> SmsInfo:
    """Length, segment count and encoding of an SMS body (GSM 03.38 when it fits, else UCS-2)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text):
        length, segments = _segments((2 if ch in _GSM_EXTENSION else 1 for ch in text), GSM_SINGLE, GSM_MULTI)
        return SmsInfo(length=length, segments=segments, encoding="GSM-7")
    length, segments = _segments((2 if ord(ch) > 0xFFFF else 1 for ch in text), UCS2_SINGLE, UCS2_MULTI)
    return SmsInfo(length=length, segments=segments, encoding="UCS-2")

