"""GET /v1/reports/communications?from=&to=: totals by status and channel, and per campaign."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.campaigns import reports
from shared.campaigns.schemas import CommunicationsReport
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def communications_report(
    from_: Annotated[date, Query(alias="from")],
    to: Annotated[date, Query()],
) -> CommunicationsReport:
    return reports.communications(current_caller(), from_, to)


handler = api.handler
