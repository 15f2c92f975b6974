"""The local HTTP API: a threaded werkzeug server doing what API Gateway HTTP API does.

Per request: CORS preflight answered by the gateway; dev endpoints; route matching from the
route table (otherwise the `$default` route's function: the contract's 404); the Lambda
authorizer for non-public routes; the route's handler invoked with a payload 2.0 event; its
result (or failure: 500) turned into the HTTP response, Each request is logged as `METHOD path status duration`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from infra.local import apigw_responses as responses
from infra.local.apigw_events import IncomingRequest, http_event, new_request_id
from infra.local.apigw_responses import HttpResponse, gateway_error
from infra.local.authorizer import GatewayAuthorizer
from infra.local.cors import CorsPolicy
from infra.local.dev_endpoints import DevEndpoints
from infra.local.functions import FunctionSpec, for_not_found, for_route
from infra.local.lambdas import InvocationError, Invoker
from infra.local.routing import Router

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("infra.local.http")

_GATEWAY_MESSAGES = {401: responses.UNAUTHORIZED, 403: responses.FORBIDDEN, 500: responses.INTERNAL}


def incoming(request: Request) -> IncomingRequest:
    environ = request.environ
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(request.path)
    raw_path = raw_uri.split("?", 1)[0] or "/"
    if "://" in raw_path:  # absolute-form request target
        raw_path = "/" + raw_path.split("://", 1)[1].split("/", 1)[-1]
    return IncomingRequest(
        method=request.method.upper(),
        raw_path=raw_path,
        raw_query=environ.get("QUERY_STRING", ""),
        headers=list(request.headers.items()),
        body=request.get_data(cache=False),
        source_ip=request.remote_addr or "127.0.0.1",
        protocol=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
    )


class Gateway:
    """The WSGI application."""

    def __init__(
        self,
        router: Router,
        invoker: Invoker,
        authorizer: GatewayAuthorizer,
        cors: CorsPolicy,
        dev: DevEndpoints,
    ) -> None:
        self.router = router
        self.invoker = invoker
        self.authorizer = authorizer
        self.cors = cors
        self.dev = dev
        self.port: int | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        started = time.monotonic()
        req = incoming(request)
        answer = self.handle(req)
        response = Response(answer.body, status=answer.status)
        response.headers.clear()
        for name, value in answer.headers:
            response.headers.add(name, value)
        log.info("%s %s %d %.0f ms", req.method, req.raw_path + (f"?{req.raw_query}" if req.raw_query else ""),
                 answer.status, (time.monotonic() - started) * 1000)
        return response(environ, start_response)

    def handle(self, request: IncomingRequest) -> HttpResponse:
        origin = request.header("origin")
        request_id = new_request_id()
        dev_answer = self.dev.answer(request.method, request.raw_path) if self.dev.handles(request.raw_path) else None
        if dev_answer is not None:
            answer = dev_answer
        elif request.method == "OPTIONS" and not self.router.has_method("OPTIONS"):
            # Preflight: answered by the gateway itself, no route and no authorizer involved.
            return self._finish(HttpResponse(204), request_id, self.cors.preflight_headers(origin))
        else:
            answer = self._route(request, request_id)
        return self._finish(answer, request_id, self.cors.response_headers(origin))

    @staticmethod
    def _finish(answer: HttpResponse, request_id: str, cors: list[tuple[str, str]]) -> HttpResponse:
        # With CORS configured, API Gateway ignores CORS headers from the integration.
        headers = [*CorsPolicy.strip(answer.headers), *cors, ("apigw-requestid", request_id)]
        return HttpResponse(answer.status, headers, b"" if answer.status in (204, 304) else answer.body)

    def _route(self, request: IncomingRequest, request_id: str) -> HttpResponse:
        match = self.router.match(request.method, request.raw_path)
        if match is None:  # the `$default` route: no authorizer, the contract's 404 body
            event = http_event(request, route_key="$default", path_parameters={}, request_id=request_id,
                               now=datetime.now(UTC), port=self.port)
            return self._invoke(for_not_found(), event, request_id, "$default")
        route = match.route
        event = http_event(request, route_key=route.route_key, path_parameters=match.path_parameters,
                           request_id=request_id, now=datetime.now(UTC), port=self.port)
        if not route.public:
            decision = self.authorizer.authorize(event, request)
            if decision.status != 200:
                return gateway_error(decision.status, _GATEWAY_MESSAGES[decision.status])
            event["requestContext"]["authorizer"] = {"lambda": decision.context}
        return self._invoke(for_route(route), event, request_id, route.name)

    def _invoke(self, function: FunctionSpec, event: dict[str, Any], request_id: str, name: str) -> HttpResponse:
        try:
            result = self.invoker.invoke(function, event, request_id=request_id)
            return responses.from_result(result)
        except InvocationError:
            return gateway_error(500, responses.INTERNAL)
        except responses.InvalidResponse as error:
            log.error("%s returned a response API Gateway cannot use: %s", name, error)
            return gateway_error(500, responses.INTERNAL)


class HttpServer:
    """The gateway on a threaded werkzeug server in a background thread."""

    def __init__(self, app: Gateway, host: str, port: int) -> None:
        try:
            self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        except SystemExit as error:  # werkzeug's answer to a port in use
            raise OSError(f"the HTTP API cannot listen on {host}:{port} (port in use? set PORT)") from error
        self.port = self._server.server_port
        app.port = self.port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="http", daemon=True)

    def start(self) -> None:
        self._thread.start()
        log.info("HTTP API listening on %s", self.url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
