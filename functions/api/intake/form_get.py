"""GET /v1/intake-form: the community's current intake form (version 1 is the default form)."""

from shared.intake import forms
from shared.intake.schemas import IntakeFormOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_intake_form() -> IntakeFormOut:
    return forms.staff_form(current_caller())


handler = api.handler
