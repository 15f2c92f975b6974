"""GET /v1/tenancies/rent-increase-plan: per active tenancy in reach, when and how far the rent may next rise."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.notices_service import plan
from shared.notices_service.schemas import PlanOut
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def rent_increase_plan(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> PlanOut:
    return plan.rent_increase_plan(current_caller(), limit=limit, after=cursor)


handler = api.handler
