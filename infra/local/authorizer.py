"""The HTTP API's Lambda authorizer step: REQUEST type, payload 2.0, simple responses, cached.

As API Gateway does: a request without the identity source (`Authorization` header) is a 401
without calling the function; otherwise the authorizer decides (`isAuthorized`), a refusal is
a 403, a failing or malformed authorizer a 500, and the `context` it returns reaches the route
as `requestContext.authorizer.lambda`. Results are cached per identity-source value for the
configured TTL (0 disables the cache, which tests want).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.apigw_events import IncomingRequest, authorizer_event
from infra.local.functions import FunctionSpec
from infra.local.lambdas import InvocationError, Invoker

log = logging.getLogger("infra.local.authorizer")

IDENTITY_HEADER = "authorization"  # identity source: $request.header.Authorization


@dataclass(frozen=True)
class Decision:
    """`status` is 200 (go on, with `context`), 401, 403 or 500."""

    status: int
    context: dict[str, Any] | None = None


class GatewayAuthorizer:
    def __init__(
        self,
        invoker: Invoker,
        function: FunctionSpec,
        cache_ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._invoker = invoker
        self._function = function
        self._ttl = cache_ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, Decision]] = {}
        self._lock = threading.Lock()

    def authorize(self, event: dict[str, Any], request: IncomingRequest) -> Decision:
        identity = request.header(IDENTITY_HEADER)
        if not identity:
            return Decision(401)
        cached = self._cached(identity)
        if cached is not None:
            return cached
        try:
            result = self._invoker.invoke(self._function, authorizer_event(event, request, [identity]))
        except InvocationError:
            return Decision(500)
        decision = self._decision(result)
        if decision.status != 500 and self._ttl > 0:
            with self._lock:
                self._cache[identity] = (self._clock() + self._ttl, decision)
        return decision

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def _cached(self, identity: str) -> Decision | None:
        if self._ttl <= 0:
            return None
        with self._lock:
            entry = self._cache.get(identity)
            if entry is None:
                return None
            expires, decision = entry
            if expires <= self._clock():
                del self._cache[identity]
                return None
            return decision

    @staticmethod
    def _decision(result: Any) -> Decision:
        if not isinstance(result, dict) or not isinstance(result.get("isAuthorized"), bool):
            log.error("authorizer returned %r; a simple response needs a boolean isAuthorized", result)
            return Decision(500)
        if not result["isAuthorized"]:
            return Decision(403)
        context = result.get("context")
        if context is not None and not isinstance(context, dict):
            log.error("authorizer context must be an object, got %r", context)
            return Decision(500)
        return Decision(200, context)
