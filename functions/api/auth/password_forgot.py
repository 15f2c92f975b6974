"""POST /v1/auth/password/forgot: ask for a reset link; 202 whether or not the account exists."""

from shared.platform.http import endpoint
from shared.portal import mail_requests
from shared.portal.schemas import Accepted, PasswordForgot

api = endpoint(__name__)


@api
def forgot_password(body: PasswordForgot) -> Accepted:
    mail_requests.password_reset(body.community, body.email, api.meta())
    return Accepted()


handler = api.handler
