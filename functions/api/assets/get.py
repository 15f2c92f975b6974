"""GET /v1/assets/{id}: one asset the caller may see (404 otherwise, also for another community's)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.assets import service
from shared.assets.schemas import AssetOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_asset(id: Annotated[str, Path(min_length=1, max_length=64)]) -> AssetOut:  # noqa: A002
    return service.detail(current_caller(), id)


handler = api.handler
