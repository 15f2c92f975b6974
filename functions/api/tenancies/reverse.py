"""POST /v1/tenancies/{id}/ledger/{entry_id}/reverse: undo an entry by a reversal (once: 409 after)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import ledger_service
from shared.properties.schemas import PostedOut, ReverseIn

api = endpoint(__name__)


@api
def reverse_entry(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    entry_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: ReverseIn,
) -> PostedOut:
    return ledger_service.reverse(current_caller(), id, entry_id, body, api.meta())


handler = api.handler
