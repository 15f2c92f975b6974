"""POST /v1/public/{slug}/applications (public): submit a rental application on a named form version."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.intake import applications
from shared.intake.schemas import ApplicationCreate, ApplicationCreated
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def submit_application(slug: Annotated[str, Path(min_length=1, max_length=64)],
                       body: ApplicationCreate) -> ApplicationCreated:
    return applications.submit(slug, body, api.meta())


handler = api.handler
