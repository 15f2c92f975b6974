"""PATCH /v1/users/{id}: change a user's role or suspend/reactivate them (their sessions end)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.identity import members
from shared.identity.schemas import UserOut, UserPatch
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_user(id: Annotated[str, Path(min_length=1, max_length=64)], body: UserPatch) -> UserOut:  # noqa: A002
    return members.patch_user(current_caller(), id, body, api.meta())


handler = api.handler
