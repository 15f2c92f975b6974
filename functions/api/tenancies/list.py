"""GET /v1/tenancies: the tenancies the caller reaches, by property, unit or status."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.properties import tenancies
from shared.properties.models import TenancyStatus
from shared.properties.schemas import TenancyList

api = endpoint(__name__)


@api
def list_tenancies(
    property_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    unit_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[TenancyStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> TenancyList:
    return tenancies.list_tenancies(current_caller(), property_id=property_id, unit_id=unit_id, status=status,
                                    limit=limit, after=cursor)


handler = api.handler
