"""POST /v1/auth/mfa/totp/confirm: activate TOTP with a code; answers the ten backup codes, once."""

from shared.identity import mfa
from shared.identity.schemas import BackupCodes, CodeRequest
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def totp_confirm(body: CodeRequest) -> BackupCodes:
    return mfa.confirm(current_caller(), body.code, api.meta())


handler = api.handler
