"""GET /v1/work-orders/{id}: one work order (404 outside the caller's scope)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import workorders
from shared.maintenance.schemas import WorkOrderOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_work_order(id: Annotated[str, Path(min_length=1, max_length=64)]) -> WorkOrderOut:  # noqa: A002
    return workorders.get(current_caller(), id)


handler = api.handler
