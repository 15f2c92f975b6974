"""GET /v1/tenancies/rent-increase-plan: per active tenancy in reach, when and how far the rent may next rise."""

from shared.notices_service import plan
from shared.notices_service.schemas import PlanOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def rent_increase_plan() -> PlanOut:
    return plan.rent_increase_plan(current_caller())


handler = api.handler
