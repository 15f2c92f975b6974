"""POST /v1/properties: create a property (201); scoped callers may not (403)."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import service
from shared.properties.schemas import PropertyCreate, PropertyOut

api = endpoint(__name__)


@api
def create_property(body: PropertyCreate) -> PropertyOut:
    return service.create_property(current_caller(), body, api.meta())


handler = api.handler
