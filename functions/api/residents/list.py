"""GET /v1/residents: the community's residents, oldest first, filtered by role/status/tag/unit and `q`."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.residents import service
from shared.residents.models import ResidentRole, ResidentStatus
from shared.residents.schemas import ResidentList

api = endpoint(__name__)


@api
def list_residents(
    role: Annotated[ResidentRole | None, Query()] = None,
    status: Annotated[ResidentStatus | None, Query()] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    unit: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ResidentList:
    query = service.ListQuery(role=role, status=status, tag=tag, unit=unit, q=q)
    return service.list_residents(current_caller(), query, limit=limit, after=cursor)


handler = api.handler
