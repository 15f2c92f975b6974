"""GET /v1/users/invitations: the community's invitations, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.identity import members
from shared.identity.schemas import InvitationList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_invitations(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> InvitationList:
    return members.invitations(current_caller(), limit=limit, after=cursor)


handler = api.handler
