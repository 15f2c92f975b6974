"""GET /v1/users/{id}: one user of the community, with the properties they are limited to."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import assignments
from shared.properties.assignments import UserDetail

api = endpoint(__name__)


@api
def get_user(id: Annotated[str, Path(min_length=1, max_length=64)]) -> UserDetail:  # noqa: A002
    return assignments.user_detail(current_caller(), id)


handler = api.handler
