"""GET /v1/public/{slug}/intake-form (public): the form an applicant fills in, for the SPA to render."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.intake import forms
from shared.intake.schemas import PublicIntakeForm
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_public_intake_form(slug: Annotated[str, Path(min_length=1, max_length=64)]) -> PublicIntakeForm:
    return forms.public_form(slug)


handler = api.handler
