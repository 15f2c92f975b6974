"""GET /v1/admin/communities: every community, newest first (super admin)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.community import service as community
from shared.community.schemas import CommunityList
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_communities(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> CommunityList:
    return community.list_all(limit=limit, after=cursor)


handler = api.handler
