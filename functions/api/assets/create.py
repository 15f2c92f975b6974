"""POST /v1/assets: announce a file; 201 with the pending asset and the presigned POST for its bytes."""

from shared.assets import service
from shared.assets.schemas import AssetCreate, AssetCreated
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def create_asset(body: AssetCreate) -> AssetCreated:
    return service.create(current_caller(), body, api.meta())


handler = api.handler
