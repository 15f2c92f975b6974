"""GET /v1/applications?status=: the community's applications, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.intake import applications
from shared.intake.models import ApplicationStatus
from shared.intake.schemas import ApplicationList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_applications(
    status: Annotated[ApplicationStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ApplicationList:
    return applications.list_applications(current_caller(), status, limit=limit, after=cursor)


handler = api.handler
