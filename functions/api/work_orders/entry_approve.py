"""POST /v1/work-orders/{id}/entry/approve: the lead tenant consents to an entry window (RTA s. 26(1)(b))."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import workorders
from shared.maintenance.schemas import EntryApproval, WorkOrderOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def approve_entry(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                  body: EntryApproval) -> WorkOrderOut:
    return workorders.approve_entry(current_caller(), id, body, api.meta())


handler = api.handler
