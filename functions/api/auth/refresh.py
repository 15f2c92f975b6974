"""POST /v1/auth/refresh: rotate the refresh token; a reused one revokes its whole family."""

from shared.identity import service
from shared.identity.schemas import RefreshRequest, TokenBody
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def refresh(body: RefreshRequest) -> TokenBody:
    return service.token_body(service.refresh(body.refresh_token, api.meta()))


handler = api.handler
