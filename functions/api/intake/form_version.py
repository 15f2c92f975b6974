"""GET /v1/intake-form/versions/{version}: any saved version (every version is kept)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.intake import forms
from shared.intake.schemas import IntakeFormOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_intake_form_version(version: Annotated[int, Path(ge=1, le=1_000_000)]) -> IntakeFormOut:
    return forms.staff_version(current_caller(), version)


handler = api.handler
