"""DELETE /v1/users/invitations/{id}: withdraw a pending invitation."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.identity import members
from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content

api = endpoint(__name__)


@api
def revoke_invitation(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[None]:  # noqa: A002
    members.revoke(current_caller(), id, api.meta())
    return no_content()


handler = api.handler
