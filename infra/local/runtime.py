"""Starting and stopping the whole local system in this process.

Order matters: the embedded AWS first, then the spec'd resources, the HTTP server bound (not
serving yet: its URL is the handlers' PUBLIC_API_URL), the handlers' environment, the seed data,
the queue pollers, schedulers and SES event simulator, and the HTTP server serving last, so a
200 from `/v1/health` means everything is ready. `stop()` undoes it in reverse and puts the
process environment back, so an in-process runtime (tests) leaves no AWS_ENDPOINT_URL behind.

Threads: moto's server, the HTTP server (a thread per request), one poller per queue, the
rule clock (all `ScheduledJob`s), the one-time schedule poller and the SES event simulator.
All handler code runs under the single invocation lock of `lambdas.Invoker`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from infra.local import banner, environment
from infra.local.authorizer import GatewayAuthorizer
from infra.local.background import Background
from infra.local.config import LocalConfig, SuperAdmin
from infra.local.cors import CorsPolicy
from infra.local.dev_endpoints import DevEndpoints
from infra.local.dev_state import DevState, DevStateSaver
from infra.local.embedded_aws import Clients, EmbeddedAws
from infra.local.functions import all_functions, for_authorizer, for_worker
from infra.local.gateway import Gateway, HttpServer
from infra.local.lambdas import Invoker
from infra.local.mailbox import Mailbox
from infra.local.provision import Provisioned, provision
from infra.local.routing import Router
from infra.local.schedulers import OneTimeSchedules, RuleClock
from infra.local.seeding import DemoCommunity, seed
from infra.local.ses_simulator import SendRateLimit, SesSimulator
from infra.local.sqs_poller import QueuePoller
from shared.spec.resources import CAMPAIGNS_QUEUE, OUTBOX_LANES, QueueSpec

log = logging.getLogger("infra.local.runtime")

_THREAD_JOIN_S = 10.0


@dataclass
class Runtime:
    """A started local system. `stop()` it (also a context manager)."""

    config: LocalConfig
    api_url: str
    aws_url: str
    provisioned: Provisioned
    demo: DemoCommunity | None
    super_admin: SuperAdmin | None
    startup_s: float
    mailbox: Mailbox
    authorizer: GatewayAuthorizer
    rule_clock: RuleClock | None
    pollers: list[QueuePoller]
    _stop: threading.Event
    _threads: list[Background]
    _http: HttpServer
    _aws: EmbeddedAws
    _previous_env: dict[str, str | None]
    _state: DevState | None = None
    _lock: threading.Lock | None = None
    _stopped: bool = field(default=False)

    @property
    def send_limit(self) -> SendRateLimit:
        """The embedded SES's send rate limit: what it accepted and throttled."""
        return self._aws.send_limit

    def describe(self) -> dict[str, Any]:
        """What the ready file holds: URLs and sign-in data."""
        return {
            "pid": os.getpid(),
            "api_url": self.api_url,
            "aws_url": self.aws_url,
            "startup_s": round(self.startup_s, 2),
            "demo": asdict(self.demo) if self.demo else None,
            "super_admin": vars(self.super_admin) if self.super_admin else None,
            "resources": {
                "table": self.provisioned.table,
                "secret_id": self.provisioned.secret_id,
                "bucket": self.provisioned.bucket,
                "schedule_group": self.provisioned.schedule_group,
                "queues": {
                    k: {"url": q.url, "arn": q.arn, "dlq_url": q.dlq_url, "dlq_arn": q.dlq_arn}
                    for k, q in self.provisioned.queues.items()
                },
                "topics": dict(self.provisioned.topics),
                "ses_configuration_set": self.provisioned.ses_configuration_set,
            },
        }

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        log.info("stopping")
        self._stop.set()
        self._http.stop()
        for thread in self._threads:
            thread.join(timeout=_THREAD_JOIN_S)
            if thread.is_alive():
                log.warning("thread %s did not stop in time", thread.name)
        if self._state is not None:  # workers are stopped: this is the last word
            try:
                with self._lock or threading.Lock():
                    self._state.save()
                log.info("dev state saved in %s", self._state.directory)
            except Exception:  # noqa: BLE001 - stopping must finish; the previous save is still there
                log.exception("saving the dev state at shutdown failed")
        self._aws.stop()
        environment.restore(self._previous_env)
        log.info("stopped")

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _restore_state(state: DevState | None, provisioned: Provisioned) -> Provisioned:
    """The saved items and keys back in the fresh resources (before anything reads them)."""
    if state is None:
        return provisioned
    restored = state.restore(secret_id=provisioned.secret_id, mfa_key_id=provisioned.mfa_key_id)
    return replace(provisioned, mfa_key_id=restored.mfa_key_id) if restored.mfa_key_id else provisioned


_CONCURRENT_WORKERS = frozenset([*(lane.logical_id for lane in OUTBOX_LANES), CAMPAIGNS_QUEUE.logical_id])


def _pollers_of(spec: QueueSpec) -> int:
    """The outbox lanes run as many workers at once as their event source mapping allows, as in AWS (their
    handlers keep no batch state between invocations; a lane's workers pace by one bucket: OUTBOX_WORKERS=1),
    so one chunk's claim and settle overlap another's sends. So do campaign fan-outs: two campaigns sent
    together are fanned out side by side (in AWS, a Lambda each), so neither community's chunks are all
    queued before the other's first. Every other queue has one worker."""
    return spec.max_concurrency if spec.logical_id in _CONCURRENT_WORKERS else 1


def start(config: LocalConfig | None = None) -> Runtime:
    """Start everything in the background and return once the API answers (see module doc)."""
    config = config or LocalConfig()
    started = time.monotonic()
    aws = EmbeddedAws(config.host, config.aws_port, config.spa_origins)
    aws_url = aws.start()
    previous_env: dict[str, str | None] = {}
    stop = threading.Event()
    threads: list[Background] = []
    http: HttpServer | None = None
    serving = False
    try:
        clients = Clients(aws_url)
        state = DevState(config.state_dir.resolve(), clients) if config.state_dir is not None else None
        provisioned = provision(clients, config, before_routing=state.restore_objects if state else None)
        provisioned = _restore_state(state, provisioned)
        mailbox = Mailbox()
        mailbox.install_clock()
        # Queue workers run beside the API and each other, as in AWS (see lambdas.Invoker): a campaign's
        # paced chunks, or the provider events they cause, never hold up a request or the priority lane.
        invoker = Invoker(enforce_timeouts=config.enforce_timeouts,
                          own_lock=frozenset(for_worker(queue).name for queue in config.resources.queues),
                          concurrency={for_worker(q).name: _pollers_of(q) for q in config.resources.queues})
        rule_clock = (
            RuleClock(config.resources.jobs, config.names.rule_arn, invoker, stop, tick_s=config.schedule_poll_s)
            if config.resources.jobs
            else None
        )
        authorizer = GatewayAuthorizer(invoker, for_authorizer(), config.authorizer_cache_ttl_s)
        gateway = Gateway(
            Router(config.routes),
            invoker,
            authorizer,
            CorsPolicy(config.spa_origins),
            DevEndpoints(mailbox, rule_clock.fire_now if rule_clock else None),
        )
        # Bound now (port 0 becomes a real one), served last: its URL is the handlers' PUBLIC_API_URL.
        http = HttpServer(gateway, config.host, config.port)
        previous_env = environment.apply(
            environment.handler_environment(config, aws_url, provisioned, public_api_url=http.url)
        )
        demo = seed(config.super_admin, invoker.lock) if config.seed else None

        served: dict[str, dict[str | None, int]] = {}  # a fair queue's pollers share its groups' turns
        pollers = [
            QueuePoller(
                info.spec,
                info.url,
                info.arn,
                clients("sqs"),
                for_worker(info.spec),
                invoker,
                stop,
                wait_s=config.queue_wait_s,
                fair=info.spec.fair and config.outbox_routing == "lanes",
                served=served.setdefault(info.spec.logical_id, {}),
            )
            for info in provisioned.queues.values()
            for _ in range(_pollers_of(info.spec))
        ]
        threads = [*pollers, *([rule_clock] if rule_clock else [])]
        if provisioned.schedule_group:
            threads.append(
                OneTimeSchedules(
                    clients("scheduler"),
                    clients("sqs"),
                    provisioned.schedule_group,
                    all_functions(config.resources, config.routes),
                    config.names.stage,
                    invoker,
                    stop,
                    poll_s=config.schedule_poll_s,
                )
            )
        if provisioned.ses_configuration_set and config.ses_events:
            threads.append(SesSimulator(mailbox, clients("sns"), provisioned.ses_configuration_set, stop))
        if state is not None:
            threads.append(DevStateSaver(state, invoker.lock, stop, config.state_save_s))
        for thread in threads:
            thread.start()
        http.start()
        serving = True
    except BaseException:
        stop.set()
        if http is not None:
            if not serving:
                http.start()  # a bound werkzeug server only shuts down once it has served
            http.stop()
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=_THREAD_JOIN_S)
        aws.stop()
        environment.restore(previous_env)
        raise
    for name, when in rule_clock.next_times().items() if rule_clock else ():
        log.info("rule %s next fires at %s", name, when.isoformat() if when else "never")
    return Runtime(
        config=config,
        api_url=http.url,
        aws_url=aws_url,
        provisioned=provisioned,
        demo=demo,
        super_admin=config.super_admin if config.seed else None,
        startup_s=time.monotonic() - started,
        mailbox=mailbox,
        authorizer=authorizer,
        rule_clock=rule_clock,
        pollers=pollers,
        _stop=stop,
        _threads=threads,
        _http=http,
        _aws=aws,
        _previous_env=previous_env,
        _state=state,
        _lock=invoker.lock,
    )


def write_ready_file(path: Path, runtime: Runtime) -> None:
    """Atomically write the runtime's description (test harnesses wait for this file)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(runtime.describe(), indent=2))
    temporary.replace(path)


def run(config: LocalConfig | None = None, *, stop: threading.Event | None = None, **options: Any) -> int:
    """Run until SIGINT/SIGTERM (or `stop` is set); the exit status (0).

    `options` override fields of `config` (e.g. `run(port=0, aws_port=0, seed=False)`).
    Signal handlers are installed only when called from the main thread.
    """
    config = replace(config or LocalConfig.from_env(), **options)
    stop = stop or threading.Event()
    previous_handlers: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():

        def on_signal(signum: int, _: FrameType | None) -> None:
            log.info("%s received, stopping (again to force)", signal.Signals(signum).name)
            stop.set()
            for restored, handler in previous_handlers.items():  # a second Ctrl-C is not ignored
                signal.signal(restored, handler)

        for signum in (signal.SIGINT, signal.SIGTERM):
            previous_handlers[signum] = signal.signal(signum, on_signal)
    try:
        runtime = start(config)
        try:
            print(
                banner.render(
                    api_url=runtime.api_url,
                    aws_url=runtime.aws_url,
                    demo=runtime.demo,
                    super_admin=runtime.super_admin,
                    startup_s=runtime.startup_s,
                ),
                flush=True,
            )
            if config.ready_file is not None:
                write_ready_file(config.ready_file, runtime)
            while not stop.wait(0.5):
                pass
        finally:
            runtime.stop()
            if config.ready_file is not None:
                with contextlib.suppress(FileNotFoundError):
                    config.ready_file.unlink()
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
    return 0
