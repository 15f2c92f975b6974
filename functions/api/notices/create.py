"""POST /v1/notices: draft an N1, N4 or N11 (201)."""

from shared.notices_service import service
from shared.notices_service.schemas import NoticeCreate, NoticeOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def create_notice(body: NoticeCreate) -> NoticeOut:
    return service.create(current_caller(), body, api.meta())


handler = api.handler
