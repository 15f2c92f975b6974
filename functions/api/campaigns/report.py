"""GET /v1/campaigns/{id}/report: unique per-recipient counts, kept by counters as events arrive."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.campaigns import service
from shared.campaigns.schemas import Report
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def campaign_report(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Report:  # noqa: A002
    return service.report(current_caller(), id)


handler = api.handler
