"""POST /v1/residents/{id}/portal-invite: mail an owner or tenant their portal sign-in link (202)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.portal import service
from shared.portal.schemas import Accepted

api = endpoint(__name__)


@api
def invite_to_portal(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Accepted:  # noqa: A002
    return service.invite(current_caller(), id, api.meta())


handler = api.handler
