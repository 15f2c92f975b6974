"""POST /v1/auth/magic-link/verify: the mailed link's token, or community + email + code → tokens."""

from shared.identity import service
from shared.identity.schemas import TokenBody
from shared.platform.http import endpoint
from shared.portal import signin
from shared.portal.schemas import MagicLinkVerify

api = endpoint(__name__)


@api
def verify_magic_link(body: MagicLinkVerify) -> TokenBody:
    return service.token_body(signin.verify(body, api.meta()))


handler = api.handler
