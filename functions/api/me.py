"""GET /v1/me: the signed-in user, their community and what they may do (a resident user: their record)."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.portal import service
from shared.portal.schemas import PortalMe

api = endpoint(__name__)


@api
def me() -> PortalMe:
    return service.me(current_caller())


handler = api.handler
