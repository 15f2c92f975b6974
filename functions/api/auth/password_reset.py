"""POST /v1/auth/password/reset: a new password with the mailed token; every session ends."""

from shared.platform.http import endpoint
from shared.portal import recovery
from shared.portal.schemas import PasswordChanged, PasswordReset

api = endpoint(__name__)


@api
def reset_password(body: PasswordReset) -> PasswordChanged:
    recovery.reset(body.token, body.password, api.meta())
    return PasswordChanged()


handler = api.handler
