"""The local "Lambda functions": which handler module each function name runs, in one place.

Names follow the CDK app's convention: a route's function is `Route.name`, a scheduled job's
is `ScheduledJob.logical_id`, a queue worker's is `<QueueSpec.logical_id>Worker`, the
authorizer is `Authorizer` and the `$default` route's is `NotFound`. A Lambda ARN a function
hands to EventBridge Scheduler is resolved through this table by its function name (also
when the stack prefixes it, e.g. `porchlight-local-RotateSigningKey`).
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.local.config import ACCOUNT_ID, REGION
from shared.spec.resources import (
    AUTHORIZER_HANDLER,
    AUTHORIZER_TIMEOUT_S,
    NOT_FOUND_HANDLER,
    SERVICE,
    QueueSpec,
    Resources,
    ScheduledJob,
)
from shared.spec.routes import Route

AUTHORIZER_NAME = "Authorizer"
NOT_FOUND_NAME = "NotFound"  # the `$default` route's function
DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class FunctionSpec:
    """What invoking a function locally needs: its name, handler module and Lambda settings."""

    name: str
    handler: str  # module exposing `handler(event, context)`
    memory_mb: int = 256
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def arn(self) -> str:
        return function_arn(self.name)


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"


def for_route(route: Route) -> FunctionSpec:
    return FunctionSpec(name=route.name, handler=route.handler, memory_mb=route.memory_mb,
                        timeout_s=float(route.timeout_s))


def for_authorizer() -> FunctionSpec:
    return FunctionSpec(name=AUTHORIZER_NAME, handler=AUTHORIZER_HANDLER, timeout_s=float(AUTHORIZER_TIMEOUT_S))


def for_not_found() -> FunctionSpec:
    return FunctionSpec(name=NOT_FOUND_NAME, handler=NOT_FOUND_HANDLER)


def for_worker(queue: QueueSpec) -> FunctionSpec:
    return FunctionSpec(name=f"{queue.logical_id}Worker", handler=queue.worker,
                        timeout_s=float(queue.worker_timeout_s))


def for_job(job: ScheduledJob) -> FunctionSpec:
    return FunctionSpec(name=job.logical_id, handler=job.handler, timeout_s=float(job.timeout_s))


def all_functions(resources: Resources, routes: tuple[Route, ...]) -> dict[str, FunctionSpec]:
    """Every function of the system by name."""
    specs = [for_authorizer(), for_not_found(), *(for_route(r) for r in routes),
             *(for_worker(q) for q in resources.queues), *(for_job(j) for j in resources.jobs)]
    return {spec.name: spec for spec in specs}


def function_name_of(arn: str) -> str:
    """`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` -> `<name>`."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        raise ValueError(f"not a Lambda function ARN: {arn}")
    return parts[6]


def resolve(arn_or_name: str, functions: dict[str, FunctionSpec], stage: str) -> FunctionSpec | None:
    """The function a Lambda ARN (or bare name) designates, or None if the system has no such function."""
    name = function_name_of(arn_or_name) if arn_or_name.startswith("arn:") else arn_or_name
    if name in functions:
        return functions[name]
    prefix = f"{SERVICE}-{stage}-"
    if name.startswith(prefix) and name.removeprefix(prefix) in functions:
        return functions[name.removeprefix(prefix)]
    return None
