"""POST /v1/work-orders/{id}/transition: one status move (409 when the machine or a concurrent move refuses it)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import workorders
from shared.maintenance.schemas import TransitionRequest, WorkOrderOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def transition_work_order(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                          body: TransitionRequest) -> WorkOrderOut:
    return workorders.transition(current_caller(), id, body, api.meta())


handler = api.handler
