"""PATCH /v1/assets/{id}: rename, move to a folder, retag or change who may see an asset."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.assets import service
from shared.assets.schemas import AssetOut, AssetUpdate
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_asset(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                 body: AssetUpdate) -> AssetOut:
    return service.update(current_caller(), id, body)


handler = api.handler
