"""GET /v1/tenancies/{id}/ledger: the rent ledger in posting order, with balance and arrears."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.properties import ledger_service
from shared.properties.schemas import LedgerOut

api = endpoint(__name__)


@api
def read_ledger(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> LedgerOut:
    return ledger_service.read(current_caller(), id, limit=limit, after=cursor)


handler = api.handler
