"""POST /v1/notices/calculate: the deemed service date and earliest effective date, with their rules."""

from shared.notices_service import service
from shared.notices_service.schemas import CalculateIn, CalculationOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def calculate_notice(body: CalculateIn) -> CalculationOut:
    return service.calculate(current_caller(), body)


handler = api.handler
