"""PATCH /v1/custom-fields/{key}: change a field's label, required flag or options."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import definitions
from shared.residents.schemas import CustomFieldOut, CustomFieldUpdate

api = endpoint(__name__)


@api
def update_custom_field(key: Annotated[str, Path(min_length=1, max_length=40)],
                        body: CustomFieldUpdate) -> CustomFieldOut:
    return definitions.update(current_caller(), key, body)


handler = api.handler
