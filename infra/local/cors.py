"""CORS as an HTTP API with a CORS configuration applies it (from `shared.spec.resources.API_CORS`).

The gateway answers preflight `OPTIONS` itself (no route, no authorizer), adds the allowed
origin and exposed headers to every other response for an allowed origin, and ignores any
CORS headers the function returned: the configuration is the only source.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.spec.resources import API_CORS, CorsSpec


@dataclass(frozen=True)
class CorsPolicy:
    allow_origins: tuple[str, ...]
    spec: CorsSpec = API_CORS

    def allows(self, origin: str | None) -> bool:
        return origin is not None and (origin in self.allow_origins or "*" in self.allow_origins)

    def _origin_value(self, origin: str) -> str:
        return "*" if "*" in self.allow_origins else origin

    def preflight_headers(self, origin: str | None) -> list[tuple[str, str]]:
        """Headers of the gateway's 204 answer to a preflight (none for an origin not allowed)."""
        if origin is None or not self.allows(origin):
            return []
        return [
            ("access-control-allow-origin", self._origin_value(origin)),
            ("access-control-allow-methods", ",".join(self.spec.allow_methods)),
            ("access-control-allow-headers", ",".join(self.spec.allow_headers)),
            ("access-control-max-age", str(self.spec.max_age_s)),
            ("vary", "origin"),
        ]

    def response_headers(self, origin: str | None) -> list[tuple[str, str]]:
        if origin is None or not self.allows(origin):
            return []
        headers = [("access-control-allow-origin", self._origin_value(origin)), ("vary", "origin")]
        if self.spec.expose_headers:
            headers.append(("access-control-expose-headers", ",".join(self.spec.expose_headers)))
        return headers

    @staticmethod
    def strip(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The function's headers without any CORS header (the gateway's configuration wins)."""
        return [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
