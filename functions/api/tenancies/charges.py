"""POST /v1/tenancies/{id}/charges: post a charge (rent, fee, deposit, other) (201; Idempotency-Key honoured)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import ledger_service
from shared.properties.schemas import ChargeIn, PostedOut

api = endpoint(__name__)


@api
def post_charge(id: Annotated[str, Path(min_length=1, max_length=64)], body: ChargeIn) -> PostedOut:  # noqa: A002
    return ledger_service.charge(current_caller(), id, body, api.meta())


handler = api.handler
