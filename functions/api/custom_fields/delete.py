"""DELETE /v1/custom-fields/{key}: remove a field definition (204)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content
from shared.residents import definitions

api = endpoint(__name__)


@api
def delete_custom_field(key: Annotated[str, Path(min_length=1, max_length=40)]) -> Response[None]:
    definitions.delete(current_caller(), key)
    return no_content()


handler = api.handler
