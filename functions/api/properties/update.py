"""PATCH /v1/properties/{id}: rename, re-kind or re-address a property."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import PropertyOut, PropertyUpdate

api = endpoint(__name__)


@api
def update_property(id: Annotated[str, Path(min_length=1, max_length=64)], body: PropertyUpdate) -> PropertyOut:  # noqa: A002
    return service.update_property(current_caller(), id, body, api.meta())


handler = api.handler
