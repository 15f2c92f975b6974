"""GET /v1/tenancies/{id}: one tenancy with its status, balance and arrears."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import tenancies
from shared.properties.schemas import TenancyOut

api = endpoint(__name__)


@api
def get_tenancy(id: Annotated[str, Path(min_length=1, max_length=64)]) -> TenancyOut:  # noqa: A002
    return tenancies.get_tenancy(current_caller(), id)


handler = api.handler
