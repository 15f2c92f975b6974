"""PATCH /v1/work-orders/{id}: staff edit an order (a priority change needs a reason and is audited)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.community import service as community
from shared.maintenance import workorders
from shared.maintenance.schemas import WorkOrderOut, WorkOrderUpdate
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_work_order(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                      body: WorkOrderUpdate) -> WorkOrderOut:
    return workorders.update(current_caller(), id, body, api.meta(), settings_of=community.settings_of)


handler = api.handler
