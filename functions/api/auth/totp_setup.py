"""POST /v1/auth/mfa/totp/setup: a new TOTP secret, its otpauth:// URI and a QR code (SVG)."""

from shared.identity import mfa
from shared.identity.schemas import TotpSetup
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def totp_setup() -> TotpSetup:
    return mfa.setup(current_caller(), api.meta())


handler = api.handler
