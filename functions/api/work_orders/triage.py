"""POST /v1/work-orders/triage: severity, reasons and self-help for a category and answers (nothing saved)."""

from shared.community import service as community
from shared.maintenance import service
from shared.maintenance.schemas import TriageAnswer, TriageRequest
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def triage_work_order(body: TriageRequest) -> TriageAnswer:
    return service.triage(current_caller(), body, calendar_of=community.settings_of)


handler = api.handler
