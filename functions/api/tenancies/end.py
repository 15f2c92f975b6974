"""POST /v1/tenancies/{id}/end: set the tenancy's last day."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import tenancies
from shared.properties.schemas import TenancyEnd, TenancyOut

api = endpoint(__name__)


@api
def end_tenancy(id: Annotated[str, Path(min_length=1, max_length=64)], body: TenancyEnd) -> TenancyOut:  # noqa: A002
    return tenancies.end_tenancy(current_caller(), id, body, api.meta())


handler = api.handler
