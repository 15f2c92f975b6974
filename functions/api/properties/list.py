"""GET /v1/properties: the properties the caller reaches, oldest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import PropertyList

api = endpoint(__name__)


@api
def list_properties(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> PropertyList:
    return service.list_properties(current_caller(), limit=limit, after=cursor)


handler = api.handler
