"""POST /v1/auth/mfa/backup-codes: ten new backup codes (the old ones stop working), after a TOTP code."""

from shared.identity import mfa
from shared.identity.schemas import BackupCodes, CodeRequest
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def regenerate_backup_codes(body: CodeRequest) -> BackupCodes:
    return mfa.regenerate_backup_codes(current_caller(), body.code, api.meta())


handler = api.handler
