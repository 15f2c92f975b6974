"""GET /v1/auth/sessions: the caller's active sessions, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.identity import service
from shared.identity.schemas import SessionList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_sessions(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> SessionList:
    return service.sessions(current_caller(), limit=limit, after=cursor)


handler = api.handler
