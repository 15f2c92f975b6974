"""GET /v1/audit/export?format=jsonl|csv: the filtered trail as a download (up to 10,000 events;
`X-Next-Cursor` continues when more remain)."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.audit import query
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)

_ISO = r"^\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?$"
_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


@api
def export_audit(
    format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl",  # noqa: A002
    actor: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", pattern=_ISO)] = None,
    to: Annotated[str | None, Query(pattern=_ISO)] = None,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[str]:
    filters = query.Filters(actor=actor, action=action, from_=from_, to=to)
    body, next_cursor = query.export(current_caller().community_id, filters, format, cursor)
    headers = {"Content-Disposition": f'attachment; filename="audit.{format}"'}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Response(status_code=200, content_type=_TYPES[format], body=body, headers=headers)


handler = api.handler
