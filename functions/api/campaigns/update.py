"""PATCH /v1/campaigns/{id}: edit a draft or scheduled campaign; `send_at` moves a scheduled one."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.campaigns import service
from shared.campaigns.schemas import CampaignOut, CampaignUpdate
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_campaign(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                    body: CampaignUpdate) -> CampaignOut:
    return service.update(current_caller(), id, body)


handler = api.handler
