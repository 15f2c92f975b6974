"""GET /v1/campaigns/{id}/recipients.csv: the recipients log, spreadsheet-safe (addresses masked)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.campaigns import service
from shared.messaging.models import MessageStatus
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def campaign_recipients_csv(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    status: Annotated[MessageStatus | None, Query()] = None,
) -> Response[str]:
    body = service.recipients_csv(current_caller(), id, status)
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=body,
                    headers={"Content-Disposition": f'attachment; filename="campaign-{id}-recipients.csv"',
                             "Cache-Control": "no-store"})


handler = api.handler
