"""POST /v1/campaigns/{id}/audience/preview: how many would get it, and who would be left out."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.campaigns import service
from shared.campaigns.schemas import AudiencePreview
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def preview_audience(id: Annotated[str, Path(min_length=1, max_length=64)]) -> AudiencePreview:  # noqa: A002
    return service.preview(current_caller(), id)


handler = api.handler
