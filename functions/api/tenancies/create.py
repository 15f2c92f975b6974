"""POST /v1/tenancies: lease a unit to residents (201; 409 when the dates overlap another tenancy)."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import tenancies
from shared.properties.schemas import TenancyCreate, TenancyOut
from shared.residents import repository as residents

api = endpoint(__name__)


@api
def create_tenancy(body: TenancyCreate) -> TenancyOut:
    return tenancies.create_tenancy(current_caller(), body, api.meta(), known_residents=residents.get_many)


handler = api.handler
