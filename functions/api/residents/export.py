"""GET /v1/residents.csv: the residents (optionally filtered like the list) as a spreadsheet-safe CSV.

Admins only (`community.manage`): it is every resident's contact details in one file.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import export, repository, service
from shared.residents.models import ResidentRole, ResidentStatus

api = endpoint(__name__)


@api
def export_residents(
    role: Annotated[ResidentRole | None, Query()] = None,
    status: Annotated[ResidentStatus | None, Query()] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    unit: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Response[str]:
    community_id = current_caller().community_id
    residents, settings = service.matching(community_id, service.ListQuery(role=role, status=status, tag=tag,
                                                                           unit=unit, q=q))
    fields = sorted(repository.custom_fields(community_id).values(), key=lambda d: d.created_at)
    body = export.to_csv(residents, threshold=settings.threshold, fields=fields)
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=body,
                    headers={"Content-Disposition": 'attachment; filename="residents.csv"',
                             "Cache-Control": "no-store"})


handler = api.handler
