"""PUT /v1/intake-form: save a new version (422 naming each disallowed keyword at its JSON pointer)."""

from shared.intake import forms
from shared.intake.schemas import IntakeFormOut, IntakeFormPut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def put_intake_form(body: IntakeFormPut) -> IntakeFormOut:
    return forms.save(current_caller(), body, api.meta())


handler = api.handler
