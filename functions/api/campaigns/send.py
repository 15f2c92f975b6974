"""POST /v1/campaigns/{id}/send: send now (202, `sending`) or at `send_at` (202, `scheduled`)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.campaigns import service
from shared.campaigns.schemas import CampaignOut, SendRequest
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def send_campaign(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                  body: SendRequest) -> CampaignOut:
    return service.send(current_caller(), id, body, api.meta())


handler = api.handler
