"""PATCH /v1/tenancies/{id}: change parties, rent terms or dates (409 on an overlap)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import tenancies
from shared.properties.schemas import TenancyOut, TenancyUpdate
from shared.residents import repository as residents

api = endpoint(__name__)


@api
def update_tenancy(id: Annotated[str, Path(min_length=1, max_length=64)], body: TenancyUpdate) -> TenancyOut:  # noqa: A002
    return tenancies.update_tenancy(current_caller(), id, body, api.meta(), known_residents=residents.get_many)


handler = api.handler
