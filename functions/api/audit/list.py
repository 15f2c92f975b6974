"""GET /v1/audit: the community's audit trail, newest first, by actor, action (prefix) and time range."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.audit import query
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)

_ISO = r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?$"


@api
def list_audit(
    actor: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", pattern=_ISO)] = None,
    to: Annotated[str | None, Query(pattern=_ISO)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> query.AuditList:
    filters = query.Filters(actor=actor, action=action, from_=from_, to=to)
    return query.search(current_caller().community_id, filters, limit=limit, after=cursor)


handler = api.handler
