"""GET /v1/notices: the notices the caller reaches, by type, status, property or tenancy."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.notices.models import NoticeType
from shared.notices_service import service
from shared.notices_service.models import NoticeStatus
from shared.notices_service.schemas import NoticeList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_notices(
    type: Annotated[NoticeType | None, Query()] = None,  # noqa: A002
    status: Annotated[NoticeStatus | None, Query()] = None,
    property_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    tenancy_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> NoticeList:
    return service.list_notices(current_caller(), notice_type=type, status=status, property_id=property_id,
                                tenancy_id=tenancy_id, limit=limit, after=cursor)


handler = api.handler
