"""POST /v1/auth/login: community slug (none for a super admin), email and password.

Answers the token body, or `{mfa_required, mfa_token, methods}` when the user has MFA on.
"""

from shared.identity import service
from shared.identity.schemas import LoginRequest, MfaChallengeBody, TokenBody
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def login(body: LoginRequest) -> TokenBody | MfaChallengeBody:
    outcome = service.login(body, api.meta())
    if isinstance(outcome, MfaChallengeBody):
        return outcome
    return service.token_body(outcome)


handler = api.handler
