"""GET /v1/assets/{id}/download: a presigned GET valid 5 minutes, saved under the asset's name."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.assets import service
from shared.assets.schemas import DownloadOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def download_asset(id: Annotated[str, Path(min_length=1, max_length=64)]) -> DownloadOut:  # noqa: A002
    return service.download(current_caller(), id)


handler = api.handler
