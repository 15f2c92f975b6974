"""GET /v1/applications/{id}: one application, its answers and the form version they were given on."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.intake import applications
from shared.intake.schemas import ApplicationOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_application(id: Annotated[str, Path(min_length=1, max_length=64)]) -> ApplicationOut:  # noqa: A002
    return applications.detail(current_caller(), id)


handler = api.handler
