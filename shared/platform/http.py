"""One resolver setup for every HTTP function: auth, permissions, errors, idempotency, telemetry.

A handler module is three lines of plumbing around one call into a domain service:

    api = endpoint(__name__)          # its route comes from shared.spec.routes

    @api
    def signup(body: SignupRequest) -> TokenBody:
        return identity.signup(body)

    handler = api.handler

Method, path, status, permission and OpenAPI metadata all come from the route table; the
function's type hints are the request/response models (validated by powertools). Domain
exceptions become the contract's error body here and nowhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError, ResponseValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from shared.platform import bodies, idempotency, keys
from shared.platform import context as caller_context
from shared.platform.errors import ERROR_CODES, ApiError, FieldError, ValidationFailed, error_body
from shared.platform.observability import logger, metrics, tracer
from shared.spec.routes import Route, by_handler

F = TypeVar("F", bound=Callable[..., Any])

_PATH_PARAM = re.compile(r"\{(\w+)\}")

# The one place a domain error gets its HTTP status: the contract's error table, by code. Domain
# errors carry only their code (shared.platform.errors); everything answering HTTP reads this.
STATUS_OF_CODE: dict[str, int] = {
    "VALIDATION_FAILED": 422, "INVALID_CURSOR": 400, "AUTH_REQUIRED": 401, "AUTH_INVALID_CREDENTIALS": 401,
    "AUTH_TOKEN_INVALID": 401, "AUTH_TOKEN_REUSED": 401, "MFA_INVALID_CODE": 401, "AUTH_LOCKED": 429,
    "RATE_LIMITED": 429, "MFA_ENROLLMENT_REQUIRED": 403, "MFA_REQUIRED_BY_POLICY": 403, "EMAIL_UNVERIFIED": 403,
    "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409, "IDEMPOTENCY_KEY_REUSED": 409,
    "RECIPIENT_SUPPRESSED": 409, "PAYLOAD_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415,
    "TEMPLATE_VARIABLES_MISSING": 422, "NOTICE_RULE_FAILED": 422, "INTERNAL": 500,
}
if set(STATUS_OF_CODE) != ERROR_CODES:  # a new error class without a status (or a stale one) is our bug
    raise RuntimeError(f"error codes without one status: {sorted(set(STATUS_OF_CODE) ^ ERROR_CODES)}")

# What every route documents it may answer besides its own status (415 only with a JSON body).
_DOCUMENTED_ERRORS = tuple(sorted(set(STATUS_OF_CODE.values()) - {415, 500}))


def status_of(error: ApiError) -> int:
    """The HTTP status of a domain error (by its contract code)."""
    return STATUS_OF_CODE[error.code]


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    code: str = Field(json_schema_extra={"enum": [code for code in sorted(ERROR_CODES)]})  # the contract's codes
    message: str
    details: list[ErrorDetail]


class ErrorResponse(BaseModel):
    """The contract's error body (documented on every route in the OpenAPI document)."""

    error: ErrorInfo


class GatewayError(BaseModel):
    """API Gateway's own answer to a protected route called without a bearer token (the contract's one
    exception: an HTTP API cannot reshape it), so a protected route's 401 documents either body."""

    message: str


def json_response(status: int, body: Any) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def no_content() -> Response:
    return Response(status_code=HTTPStatus.NO_CONTENT, body="")


def _field_of(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        where, rest = parts[0], parts[1:]
        if where == "body":
            return ".".join(rest) or "body"
        return ".".join(rest) or where
    return ".".join(parts) or "request"


def validation_failure(errors: list[dict[str, Any]]) -> ValidationFailed:
    details = []
    for error in errors:
        if error.get("type") == "json_invalid":
            details.append(FieldError(field="body", message="The body is not valid JSON."))
            continue
        message = str(error.get("msg", "is not valid"))
        details.append(FieldError(field=_field_of(error.get("loc", ())), message=message))
    return ValidationFailed(details=details)


def _on_api_error(error: ApiError) -> Response:
    status = status_of(error)
    if status >= 500:
        logger.exception("request failed")
    return json_response(status, error.body())


def _on_validation_error(error: RequestValidationError) -> Response:
    failure = validation_failure(list(error.errors()))
    return json_response(status_of(failure), failure.body())


def _on_not_found(_: NotFoundError) -> Response:
    return json_response(404, error_body("NOT_FOUND", "Not found."))


def _on_response_invalid(error: ResponseValidationError) -> Response:
    logger.error("handler answered a shape its route does not declare", extra={"errors": str(error.errors())[:2000]})
    return json_response(500, error_body("INTERNAL", ApiError.default_message))


def _on_unexpected(_: Exception) -> Response:
    logger.exception("unhandled error")
    metrics.add_metric(name="UnhandledErrors", unit="Count", value=1)
    return json_response(500, error_body("INTERNAL", ApiError.default_message))


def _json_body(text: str) -> Any:
    """`json.loads`, with a body nested too deeply for the parser answered as invalid JSON (422), not a 500."""
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise json.JSONDecodeError("nested too deeply", text, 0) from exc


def new_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(
        enable_validation=True,
        json_body_deserializer=_json_body,
        debug=False,  # debug mode prints whole events, bearer tokens included
        # A handler answering the wrong shape is our bug: 500 INTERNAL, never a 422 blaming the client.
        response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
    )
    app.exception_handler(ApiError)(_on_api_error)
    app.exception_handler(RequestValidationError)(_on_validation_error)
    app.exception_handler(ResponseValidationError)(_on_response_invalid)
    app.exception_handler(NotFoundError)(_on_not_found)
    app.exception_handler(Exception)(_on_unexpected)
    return app


def _error_event(error: ApiError) -> dict[str, Any]:
    """An API Gateway response for errors raised before the resolver runs (auth, idempotency)."""
    return {
        "statusCode": status_of(error),
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(error.body()),
        "isBase64Encoded": False,
    }


class Endpoint:
    """The one route a function serves, with the platform concerns around it."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.app = new_resolver()
        self._registered: Callable[..., Any] | None = None
        self.body = bodies.BodySpec()
        handle = logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)(
            self._handle
        )
        handle = tracer.capture_lambda_handler(handle, capture_response=False)
        self.handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = metrics.log_metrics(handle)

    def route_options(self, fn: Callable[..., Any]) -> dict[str, Any]:
        route = self.route
        success: dict[str, Any] = {"description": HTTPStatus(route.status).phrase}
        returns = get_type_hints(fn).get("return")
        if get_origin(returns) is Response:  # Response[T]: the body model is T
            returns = next(iter(get_args(returns)), None)
        if route.status in (HTTPStatus.NO_CONTENT, HTTPStatus.FOUND) or returns in (None, type(None)):
            pass
        elif route.media_type != "application/json":
            success["content"] = {
                media: {"schema": {"type": "string", "format": "binary"} if media.startswith("image/")
                        else {"type": "string"}}
                for media in (route.media_type, *route.also_media_types)
            }
        else:
            success["content"] = {"application/json": {"model": returns}}
        error_content = {"application/json": {"model": ErrorResponse}}
        errors: dict[int, Any] = {
            status: {"description": HTTPStatus(status).phrase, "content": error_content}
            for status in _DOCUMENTED_ERRORS
        }
        if route.media_type.startswith("text/html"):  # a browser following a bad link gets a page
            errors[404] = {"description": HTTPStatus(404).phrase,
                           "content": {**error_content, route.media_type: {"schema": {"type": "string"}}}}
        if not route.public:
            unauthorized = {"application/json": {"model": ErrorResponse | GatewayError}}
            errors[401] = {"description": HTTPStatus(401).phrase, "content": unauthorized}
        if self.body.model is not None:  # JSON bodies only: anything else is refused at the door
            errors[415] = {"description": HTTPStatus(415).phrase, "content": error_content}
        errors[route.status] = success
        return {
            "rule": _PATH_PARAM.sub(r"<\1>", route.path),
            "method": route.method,
            "status_code": route.status,
            "summary": route.summary,
            "tags": [route.domain],
            "operation_id": route.name,
            "security": None if route.public else [{"bearerAuth": []}],
            "responses": errors,
        }

    def __call__(self, fn: F) -> F:
        if self._registered is not None:
            raise RuntimeError(f"{self.route.handler} already registered its route")
        self.body = bodies.body_spec(fn)
        self._registered = fn
        self.app.route(**self.route_options(fn))(fn)
        return fn

    def meta(self) -> caller_context.RequestMeta:
        """Source IP and user agent of the request being handled (set by API Gateway)."""
        http = self.app.current_event.request_context.http
        return caller_context.RequestMeta(ip=http.source_ip or "", user_agent=http.user_agent or "")

    def register_into(self, app: APIGatewayHttpResolver) -> None:
        """Add this route to another resolver (the OpenAPI document is built that way)."""
        if self._registered is None:
            raise RuntimeError(f"{self.route.handler} never registered a function")
        app.route(**self.route_options(self._registered))(self._registered)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        route = self.route
        caller_context.set_caller(None)
        try:
            user_id = ""
            scope_pk = keys.PUBLIC_IDEMPOTENCY_PK
            if not route.public:
                authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
                caller = caller_context.from_authorizer(authorizer.get("lambda"))
                if route.permission is None:  # pragma: no cover - the route table test forbids it
                    raise RuntimeError(f"{route.route_key} is neither public nor permissioned")
                caller_context.authorize(caller, route.permission, allow_pending_mfa=route.allow_pending_mfa)
                caller_context.set_caller(caller)
                logger.append_keys(community_id=caller.community_id, user_id=caller.user_id)
                tracer.put_annotation("community_id", caller.community_id)
                metrics.add_metadata(key="community_id", value=caller.community_id)
                user_id, scope_pk = caller.user_id, keys.idempotency_pk(caller.community_id)

            prepared = bodies.prepare(event, self.body)
            event = prepared.event
            headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
            idempotency_key = headers.get("idempotency-key")
            if route.idempotent and idempotency_key is not None:
                if not 1 <= len(idempotency_key) <= idempotency.MAX_KEY_LENGTH:
                    raise ValidationFailed(
                        details=[FieldError("Idempotency-Key", "must be 1 to 255 characters")]
                    )
                return idempotency.run_once(
                    scope_pk=scope_pk,
                    key=idempotency_key,
                    # A public route's records share one scope: its path parameters (a community's slug)
                    # are part of what a key means, so the same key on another community acts again.
                    route_key=route.route_key if not route.public or "{" not in route.path
                    else f"{route.route_key} {event.get('rawPath', '')}",
                    user_id=user_id,
                    body=prepared.canonical,
                    context=context,
                    run=lambda: self.app.resolve(event, context),
                )
            return self.app.resolve(event, context)
        except ApiError as error:
            return _error_event(error)
        finally:
            caller_context.set_caller(None)


def endpoint(module: str) -> Endpoint:
    """The Endpoint for the route that the route table says `module` serves."""
    return Endpoint(by_handler(module))
