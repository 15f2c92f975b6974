"""The embedded AWS: moto's server on a local port, and boto3 clients pointed at it explicitly.

The runtime's own clients (provisioning, pollers, schedulers) get the endpoint as a parameter
instead of reading AWS_ENDPOINT_URL, so the same classes work against an in-process
`moto.mock_aws` in tests (endpoint None) without any process environment involved.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import boto3
from botocore.config import Config
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from infra.local import moto_patches
from infra.local.config import REGION
from infra.local.s3_post_policy import PostPolicyGate
from infra.local.ses_simulator import SendRateLimit, SesRateGate

log = logging.getLogger("infra.local.aws")

FAKE_ACCESS_KEY = "testing"
FAKE_SECRET_KEY = "testing"

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=3, read_timeout=30)


class Clients:
    """boto3 clients for one endpoint (None: boto3's default, i.e. a mock_aws in tests), cached."""

    def __init__(self, endpoint_url: str | None, region: str = REGION) -> None:
        self.endpoint_url = endpoint_url
        self._session = boto3.session.Session(
            aws_access_key_id=FAKE_ACCESS_KEY, aws_secret_access_key=FAKE_SECRET_KEY, region_name=region
        )
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()  # boto3 sessions are not thread-safe; clients are

    def __call__(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._session.client(
                    service, endpoint_url=self.endpoint_url, config=_CONFIG
                )
            return self._clients[service]


def local_secret(access_key: str) -> str | None:
    """The secret of the one credential the embedded AWS knows (what S3 would look up by key id)."""
    return FAKE_SECRET_KEY if access_key == FAKE_ACCESS_KEY else None


class DynamoDbGate:
    """WSGI middleware: a DynamoDB write, Query or Scan runs alone; key lookups run beside each other.
    DynamoDB applies each
    write (a conditional UpdateItem, a transaction) atomically and no read sees half of one; moto's backend
    does not lock, so two threads (the queue workers run beside the API, see `lambdas.Invoker`) could both
    pass one condition, or a Query could iterate a partition another request is adding to. Key lookups
    (GetItem, BatchGetItem) change nothing moto iterates (a lookup of an unknown partition adds an empty
    one to the table's dict, which only a Scan or an index Query iterates), so they run beside each other:
    a GetItem of the priority lane does not queue behind a campaign chunk's 98-item BatchGetItem, as it
    would not in DynamoDB. Queries and Scans run alone, like writes.

    Waiting single-item requests go before waiting batches and transactions (DynamoDB would not make a
    GetItem wait for an unrelated 100-item transaction; here it waits for at most the one running), and a
    batch read waits for a waiting write, so a stream of reads cannot hold writes off."""

    SINGLE_ITEM = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem"})
    READS = frozenset({"GetItem", "BatchGetItem"})  # key lookups: beside each other (see above)

    def __init__(self, app: Any) -> None:
        self.app = app
        self._turn = threading.Condition()
        self._readers = 0
        self._writing = False
        self._singles_waiting = 0
        self._writes_waiting = 0

    def _may_start(self, single: bool, read: bool) -> bool:
        if self._writing or (not single and self._singles_waiting):
            return False
        if read:
            return single or not self._writes_waiting
        return self._readers == 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith("DynamoDB_"):
            return self.app(environ, start_response)
        action = target.rpartition(".")[2]
        single, read = action in self.SINGLE_ITEM, action in self.READS
        with self._turn:
            self._singles_waiting += single
            self._writes_waiting += not read
            try:
                self._turn.wait_for(lambda: self._may_start(single, read))
            finally:
                self._singles_waiting -= single
                self._writes_waiting -= not read
            if read:
                self._readers += 1
            else:
                self._writing = True
        try:
            return list(self.app(environ, start_response))
        finally:
            with self._turn:
                if read:
                    self._readers -= 1
                else:
                    self._writing = False
                self._turn.notify_all()


class HostCachingDispatcher(DomainDispatcherApplication):
    """moto's dispatcher, remembering which backend serves a host. moto works it out again for every
    request, under the dispatcher's one lock: a listing of its package directory (a `stat` per service)
    and then a regular expression per service. A host always maps to the same backend, and with a
    campaign's sends and the workers' DynamoDB calls that lookup took ~7 % of the process's CPU
    (`make bench-lanes`, sampled with py-spy), holding every other request behind it."""

    def __init__(self, create_app: Any) -> None:
        super().__init__(create_app)
        self._backends: dict[str, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        if host is None:
            return None
        backend = self._backends.get(host)
        if backend is None:
            backend = super().get_backend_for_host(host)
            if backend is not None:  # an unknown host is not remembered: moto prints its hint each time
                self._backends[host] = backend
        return backend


class _MotoServer(ThreadedMotoServer):
    """ThreadedMotoServer that reports a failure to listen instead of waiting for it forever,
    checks S3 POST-upload policies as S3 does (moto stores any POST: see s3_post_policy), enforces
    SES's maximum send rate (see ses_simulator) and applies DynamoDB writes one at a time (`DynamoDbGate`)."""

    error: BaseException | None = None
    cors_origins: tuple[str, ...] = ()
    send_limit: SendRateLimit | None = None

    def _server_entry(self) -> None:
        try:
            app: Any = DynamoDbGate(HostCachingDispatcher(create_backend_app))
            if self.send_limit is not None:
                app = SesRateGate(app, self.send_limit)
            app = PostPolicyGate(app, local_secret, self.cors_origins)
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()
        except BaseException as error:  # werkzeug exits (SystemExit) when the port is taken
            self.error = error
            self._server_ready_event.set()


class EmbeddedAws:
    """moto's ThreadedMotoServer (state in this process's memory) on `host:port` (0: any port)."""

    def __init__(self, host: str, port: int, cors_origins: tuple[str, ...] = ()) -> None:
        self._server = _MotoServer(ip_address=host, port=port, verbose=False)
        self._server.cors_origins = cors_origins  # the SPA origins of the bucket's CORS rule
        self.send_limit = SendRateLimit()  # SES_MAX_SEND_RATE, as the handlers' settings say
        self._server.send_limit = self.send_limit
        self._address = f"{host}:{port}"
        self.url = ""

    def start(self) -> str:
        moto_patches.install()  # item-level transaction backups, expressions parsed once
        self._server.start()
        if self._server.error is not None:
            raise OSError(f"the embedded AWS cannot listen on {self._address} (port in use? set AWS_PORT)")
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        log.info("embedded AWS (moto) listening on %s", self.url)
        return self.url

    def stop(self) -> None:
        self._server.stop()
