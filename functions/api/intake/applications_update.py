"""PATCH /v1/applications/{id}: change the review status (reviewing, approved, declined), audited."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.intake import applications
from shared.intake.schemas import ApplicationOut, ApplicationPatch
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_application(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                       body: ApplicationPatch) -> ApplicationOut:
    return applications.review(current_caller(), id, body, api.meta())


handler = api.handler
