"""POST /v1/tenancies/{id}/payments: record a payment (201; Idempotency-Key honoured)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import ledger_service
from shared.properties.schemas import PaymentIn, PostedOut

api = endpoint(__name__)


@api
def post_payment(id: Annotated[str, Path(min_length=1, max_length=64)], body: PaymentIn) -> PostedOut:  # noqa: A002
    return ledger_service.payment(current_caller(), id, body, api.meta())


handler = api.handler
