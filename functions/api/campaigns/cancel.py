"""POST /v1/campaigns/{id}/cancel: cancel a draft or scheduled campaign (its schedule is removed)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.campaigns import service
from shared.campaigns.schemas import CampaignOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def cancel_campaign(id: Annotated[str, Path(min_length=1, max_length=64)]) -> CampaignOut:  # noqa: A002
    return service.cancel(current_caller(), id, api.meta())


handler = api.handler
