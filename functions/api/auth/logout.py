"""POST /v1/auth/logout: revoke the caller's session (its refresh token dies with it)."""

from aws_lambda_powertools.event_handler import Response

from shared.identity import service
from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content

api = endpoint(__name__)


@api
def logout() -> Response[None]:
    service.logout(current_caller(), api.meta())
    return no_content()


handler = api.handler
