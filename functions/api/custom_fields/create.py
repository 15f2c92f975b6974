"""POST /v1/custom-fields: define a custom resident field (201); 409 when the key is taken."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import definitions
from shared.residents.schemas import CustomFieldCreate, CustomFieldOut

api = endpoint(__name__)


@api
def create_custom_field(body: CustomFieldCreate) -> CustomFieldOut:
    return definitions.create(current_caller(), body)


handler = api.handler
