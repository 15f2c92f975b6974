"""POST /v1/auth/magic-link: a resident asks for a sign-in link and code; 202 whatever the address."""

from shared.platform.http import endpoint
from shared.portal import mail_requests
from shared.portal.schemas import Accepted, MagicLinkRequest

api = endpoint(__name__)


@api
def request_magic_link(body: MagicLinkRequest) -> Accepted:
    mail_requests.magic_link(body.community, body.email, api.meta())
    return Accepted()


handler = api.handler
