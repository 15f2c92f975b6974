"""GET /v1/campaigns: the community's campaigns, newest first, optionally in one status."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.campaigns import service
from shared.campaigns.models import CampaignStatus
from shared.campaigns.schemas import CampaignList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_campaigns(
    status: Annotated[CampaignStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> CampaignList:
    return service.page(current_caller(), status=status, limit=limit, after=cursor)


handler = api.handler
