"""POST /v1/auth/mfa/verify: the second login step, with a TOTP code or a backup code."""

from shared.identity import service
from shared.identity.schemas import MfaVerifyRequest, TokenBody
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def verify_mfa(body: MfaVerifyRequest) -> TokenBody:
    return service.token_body(service.verify_mfa(body.mfa_token, body.code, body.backup_code, api.meta()))


handler = api.handler
