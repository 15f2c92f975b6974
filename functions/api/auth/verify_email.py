"""POST /v1/auth/verify-email: confirm an address with the token from the verification mail."""

from shared.identity import service
from shared.identity.schemas import TokenRequest, Verified
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def verify_email(body: TokenRequest) -> Verified:
    service.verify_email(body.token, api.meta())
    return Verified()


handler = api.handler
