"""GET /v1/properties/{id}/units: a property's units, oldest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import UnitList

api = endpoint(__name__)


@api
def list_units(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> UnitList:
    return service.list_units(current_caller(), id, limit=limit, after=cursor)


handler = api.handler
