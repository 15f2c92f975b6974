"""POST /v1/auth/mfa/totp/disable: turn MFA off with a code (403 where the role requires it)."""

from aws_lambda_powertools.event_handler import Response

from shared.identity import mfa
from shared.identity.schemas import CodeRequest
from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content

api = endpoint(__name__)


@api
def totp_disable(body: CodeRequest) -> Response[None]:
    mfa.disable(current_caller(), body.code, api.meta())
    return no_content()


handler = api.handler
