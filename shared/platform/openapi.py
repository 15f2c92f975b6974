"""The OpenAPI 3.1 document, assembled from the route table and each handler's own signature."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from shared.platform.http import Endpoint
from shared.spec.routes import ROUTES

TITLE = "Porchlight API"


def resolver_with_every_route() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    for route in ROUTES:
        module = importlib.import_module(route.handler)
        api = getattr(module, "api", None)
        if not isinstance(api, Endpoint):
            raise RuntimeError(f"{route.handler} has no `api = endpoint(__name__)`")
        api.register_into(app)
    return app


@lru_cache(maxsize=4)
def document(version: str) -> dict[str, Any]:
    app = resolver_with_every_route()
    schema = app.get_openapi_schema(
        title=TITLE,
        version=version,
        openapi_version="3.1.0",
        summary="The HTTP API behind the Porchlight SPA and portals",
        servers=[Server(url="/")],
        security_schemes={"bearerAuth": HTTPBearer(bearerFormat="JWT")},
    )
    doc: dict[str, Any] = schema.model_dump(mode="json", by_alias=True, exclude_none=True)
    _tell_the_truth(doc)
    return doc


def _tell_the_truth(doc: dict[str, Any]) -> None:
    """What powertools cannot say from a signature: a 204 or 302 has no body, and a body whose model
    accepts `{}` may be left out (`shared.platform.bodies` reads a missing one as `{}`)."""
    for route in ROUTES:
        operation = doc["paths"][route.path][route.method.lower()]
        for status in ("204", "302"):
            operation["responses"].get(status, {}).pop("content", None)
        api = importlib.import_module(route.handler).api
        if api.body.optional and "requestBody" in operation:
            operation["requestBody"]["required"] = False
