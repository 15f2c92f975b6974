"""POST /v1/auth/login: community slug (none for a super admin), email and password."""

from shared.identity import service
from shared.identity.schemas import LoginRequest, TokenBody
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def login(body: LoginRequest) -> TokenBody:
    return service.token_body(service.login(body, api.meta()))


handler = api.handler
