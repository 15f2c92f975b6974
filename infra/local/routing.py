"""Matching a request to a route of the route table, with API Gateway HTTP API's rules.

Route paths use API Gateway syntax: `{name}` matches one path segment, `{name+}` the rest of
the path. When several routes match, the most specific wins (literal segments beat
parameters, which beat greedy parameters), and a path that matches only with another method
is a plain 404, as HTTP APIs answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from shared.spec.routes import Route

_PARAM = re.compile(r"^\{(\w+)(\+?)\}$")


@dataclass(frozen=True)
class CompiledRoute:
    route: Route
    pattern: re.Pattern[str]
    specificity: tuple[int, ...]  # per segment: 0 literal, 1 parameter, 2 greedy; lower wins


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


def compile_route(route: Route) -> CompiledRoute:
    parts: list[str] = []
    specificity: list[int] = []
    for segment in route.path.strip("/").split("/"):
        param = _PARAM.match(segment)
        if param is None:
            parts.append(re.escape(segment))
            specificity.append(0)
        elif param.group(2):
            parts.append(f"(?P<{param.group(1)}>.+)")
            specificity.append(2)
        else:
            parts.append(f"(?P<{param.group(1)}>[^/]+)")
            specificity.append(1)
    return CompiledRoute(route, re.compile("^/" + "/".join(parts) + "$"), tuple(specificity))


class Router:
    def __init__(self, routes: tuple[Route, ...]) -> None:
        self._routes = sorted((compile_route(r) for r in routes), key=lambda c: c.specificity)

    def match(self, method: str, raw_path: str) -> Match | None:
        """The route for `method raw_path` (as received, percent-encoded), or None."""
        for compiled in self._routes:
            if compiled.route.method not in (method, "ANY"):
                continue
            found = compiled.pattern.match(raw_path)
            if found is not None:
                return Match(compiled.route, {k: unquote(v) for k, v in found.groupdict().items()})
        return None

    def has_method(self, method: str) -> bool:
        return any(c.route.method == method for c in self._routes)
