"""POST /v1/suppressions: suppress an address by hand (reason "manual"); 201 with the entry."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.suppression import admin
from shared.suppression.schemas import SuppressionCreate, SuppressionOut

api = endpoint(__name__)


@api
def create_suppression(body: SuppressionCreate) -> SuppressionOut:
    return admin.create(current_caller(), body, api.meta())


handler = api.handler
