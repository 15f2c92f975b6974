"""GET /v1/custom-fields: the community's custom resident fields (oldest first; never more than 100)."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import definitions
from shared.residents.schemas import CustomFieldList

api = endpoint(__name__)


@api
def list_custom_fields() -> CustomFieldList:
    return definitions.list_fields(current_caller())


handler = api.handler
