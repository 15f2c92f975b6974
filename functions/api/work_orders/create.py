"""POST /v1/work-orders: a new work order (201); an emergency pages the on-call phones and managers."""

from shared.community import service as community
from shared.maintenance import workorders
from shared.maintenance.schemas import WorkOrderCreate, WorkOrderOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def create_work_order(body: WorkOrderCreate) -> WorkOrderOut:
    return workorders.create(current_caller(), body, api.meta(), settings_of=community.settings_of)


handler = api.handler
