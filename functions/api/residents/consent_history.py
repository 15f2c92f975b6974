"""GET /v1/residents/{id}/consent-history: the resident's marketing consent changes, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.residents import service
from shared.residents.schemas import ConsentHistory

api = endpoint(__name__)


@api
def consent_history(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ConsentHistory:
    return service.consent_history(current_caller(), id, limit=limit, after=cursor)


handler = api.handler
