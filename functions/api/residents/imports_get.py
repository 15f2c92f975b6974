"""GET /v1/residents/imports/{id}: an import's status, counts and row errors (404 for another community's)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.imports import service
from shared.imports.schemas import ImportOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_import(id: Annotated[str, Path(min_length=1, max_length=64)]) -> ImportOut:  # noqa: A002
    return service.detail(current_caller(), id)


handler = api.handler
