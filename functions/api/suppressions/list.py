"""GET /v1/suppressions: the caller's community's suppressed addresses, optionally one channel's."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.platform.channels import Channel
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.suppression import admin
from shared.suppression.schemas import SuppressionList

api = endpoint(__name__)


@api
def list_suppressions(
    channel: Annotated[Channel | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> SuppressionList:
    return admin.list_suppressions(current_caller(), channel=channel, limit=limit, after=cursor)


handler = api.handler
