"""GET /v1/reminders: the reminder centre, in due order, by status and due date."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.notices_service import service
from shared.notices_service.models import ReminderStatus
from shared.notices_service.schemas import ReminderList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_reminders(
    status: Annotated[ReminderStatus | None, Query()] = None,
    due_before: Annotated[date | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ReminderList:
    return service.list_reminders(current_caller(), status=status, due_before=due_before, limit=limit, after=cursor)


handler = api.handler
