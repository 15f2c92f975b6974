"""GET /v1/me: the signed-in user, their community and what they may do."""

from shared.identity import service
from shared.identity.schemas import MeResponse
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def me() -> MeResponse:
    return service.me(current_caller())


handler = api.handler
