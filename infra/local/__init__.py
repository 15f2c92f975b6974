"""The local runtime: the whole serverless system in one process, for `make dev` and e2e tests.

moto plays AWS (in memory), a werkzeug server plays API Gateway HTTP API, and threads play
the SQS event source mappings and EventBridge; every handler runs in-process with the event
and context Lambda would give it. Resources come from `shared.spec.resources` and routes from
`shared.spec.routes`, the same definitions the CDK app deploys.

    python -m infra.local              # blocking, prints a banner; Ctrl-C stops it
    run(port=0, aws_port=0)            # the same, in-process (returns the exit status)
    start(LocalConfig(...)).stop()     # non-blocking, for tests
"""

from infra.local.config import LocalConfig
from infra.local.runtime import Runtime, run, start

__all__ = ["LocalConfig", "Runtime", "run", "start"]
