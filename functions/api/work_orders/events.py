"""GET /v1/work-orders/{id}/events: every change of the order, oldest first, with the mails it sent."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.maintenance import workorders
from shared.maintenance.schemas import EventList
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def work_order_events(id: Annotated[str, Path(min_length=1, max_length=64)]) -> EventList:  # noqa: A002
    return workorders.events(current_caller(), id)


handler = api.handler
