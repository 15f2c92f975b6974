"""PATCH /v1/residents/{id}: change the given fields; consent changes enter the consent history."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import service
from shared.residents.schemas import ResidentOut, ResidentUpdate

api = endpoint(__name__)


@api
def update_resident(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                    body: ResidentUpdate) -> ResidentOut:
    return service.update(current_caller(), id, body, api.meta())


handler = api.handler
