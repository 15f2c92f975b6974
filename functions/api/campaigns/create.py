"""POST /v1/campaigns: a draft campaign (template, audience, extra variables)."""

from shared.campaigns import service
from shared.campaigns.schemas import CampaignCreate, CampaignOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def create_campaign(body: CampaignCreate) -> CampaignOut:
    return service.create(current_caller(), body)


handler = api.handler
