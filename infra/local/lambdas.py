"""Invoking handler modules the way Lambda would: by name, with a context, one at a time.

All invocations (HTTP routes, the authorizer, queue workers, jobs) go through one `Invoker`,
which holds a single lock: in AWS every sandbox runs one event at a time, and the handlers'
process-wide state (powertools logger keys, the metrics buffer, cached clients) assumes it.
Running them concurrently in one process would mix one request's log keys and metrics into
another's, so the local runtime serialises them instead. The exception is `own_lock`: functions
(the runtime names its queue workers) that run beside everything else, as their own sandboxes
would, `concurrency` invocations at a time (default one): a campaign chunk paced at SES's rate holds
the outbox worker for seconds, and neither the API nor the priority lane may wait for it. They share
no per-invocation state with the API beyond the logger's keys (local logs may show another
invocation's request id); a worker run more than once at a time keeps its batch state per invocation.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.local.functions import FunctionSpec

log = logging.getLogger("infra.local.lambda")

Handler = Callable[[Any, Any], Any]


class InvocationError(Exception):
    """The function failed: it raised, timed out, or could not be loaded. Logged already."""


class HandlerMissing(InvocationError):
    """The handler module (or its `handler`) does not exist (yet)."""


class FunctionTimedOut(InvocationError):
    pass


@dataclass
class LambdaContext:
    """The attributes and method of the Lambda Python context object that handlers use."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    aws_request_id: str
    deadline_monotonic: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline_monotonic - self.clock()) * 1000))


def load_handler(module: str) -> Handler:
    """`module.handler`, imported on first use (modules may appear while the runtime runs)."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            raise HandlerMissing(f"handler module {module} does not exist") from error
        raise
    handler = getattr(loaded, "handler", None)
    if not callable(handler):
        raise HandlerMissing(f"{module} has no callable `handler(event, context)`")
    return handler


@dataclass
class Invoker:
    enforce_timeouts: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], float] = time.monotonic  # monotonic seconds; tests pass a fake
    own_lock: frozenset[str] = frozenset()  # function names that do not take `lock` but their own
    concurrency: Mapping[str, int] = field(default_factory=dict)  # of an `own_lock` function (default 1)
    _own_locks: dict[str, threading.BoundedSemaphore] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def lock_of(self, name: str) -> threading.Lock | threading.BoundedSemaphore:
        if name not in self.own_lock:
            return self.lock
        with self._guard:
            if name not in self._own_locks:
                self._own_locks[name] = threading.BoundedSemaphore(self.concurrency.get(name, 1))
            return self._own_locks[name]

    def invoke(self, function: FunctionSpec, event: Any, *, request_id: str | None = None) -> Any:
        """Run the function's handler on `event`; raise `InvocationError` if it fails."""
        request_id = request_id or str(uuid.uuid4())
        try:
            handler = load_handler(function.handler)
        except HandlerMissing as error:
            log.error("%s: %s", function.name, error)
            raise
        except Exception as error:  # an import-time crash is the function's error, as in Lambda
            log.exception("%s: importing %s failed", function.name, function.handler)
            raise InvocationError(str(error)) from error
        with self.lock_of(function.name):
            started = self.clock()
            context = LambdaContext(
                function_name=function.name,
                memory_limit_in_mb=function.memory_mb,
                invoked_function_arn=function.arn,
                aws_request_id=request_id,
                deadline_monotonic=started + function.timeout_s,
                clock=self.clock,
            )
            try:
                result = handler(event, context)
            except Exception as error:
                log.exception("%s failed (request %s)", function.name, request_id)
                raise InvocationError(str(error)) from error
            elapsed = self.clock() - started
        if elapsed > function.timeout_s:
            message = f"{function.name}: task timed out after {elapsed:.2f} seconds (timeout {function.timeout_s:g} s)"
            if self.enforce_timeouts:
                log.error("%s; its result is discarded as Lambda would", message)
                raise FunctionTimedOut(message)
            log.warning(message)
        return result
