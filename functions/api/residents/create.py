"""POST /v1/residents: add a resident (201); 409 when the email or phone is another resident's."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.residents import service
from shared.residents.schemas import ResidentCreate, ResidentOut

api = endpoint(__name__)


@api
def create_resident(body: ResidentCreate) -> ResidentOut:
    return service.create(current_caller(), body, api.meta())


handler = api.handler
