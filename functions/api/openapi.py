"""GET /v1/openapi.json: this API's contract as OpenAPI 3.1, generated from the route table."""

from typing import Any

from shared.platform import openapi
from shared.platform.http import endpoint
from shared.platform.settings import settings

api = endpoint(__name__)


@api
def openapi_document() -> dict[str, Any]:
    return openapi.document(settings().version)


handler = api.handler
