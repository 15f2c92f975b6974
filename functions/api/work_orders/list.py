"""GET /v1/work-orders: the orders the caller reaches, newest first, by status, property, priority, overdue."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.maintenance import workorders
from shared.maintenance.models import Priority, Status
from shared.maintenance.schemas import WorkOrderList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_work_orders(
    status: Annotated[Status | None, Query()] = None,
    property_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    priority: Annotated[Priority | None, Query()] = None,
    overdue: Annotated[bool | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> WorkOrderList:
    return workorders.list_orders(current_caller(), status=status, property_id=property_id, priority=priority,
                                  overdue=overdue, limit=limit, after=cursor)


handler = api.handler
