"""POST /v1/auth/signup: a new community and its first admin, signed in."""

from shared.identity import service
from shared.identity.schemas import SignupRequest, TokenBody
from shared.messaging import account_mail
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def signup(body: SignupRequest) -> TokenBody:
    return service.token_body(service.signup(body, api.meta(), mailer=account_mail))


handler = api.handler
