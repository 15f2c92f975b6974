"""GET /v1/properties/{id}/health: the property's maintenance score, risks and seasonal tasks (from counters)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.community import service as community
from shared.maintenance import workorders
from shared.maintenance.schemas import HealthOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def property_health(id: Annotated[str, Path(min_length=1, max_length=64)]) -> HealthOut:  # noqa: A002
    return workorders.property_health(current_caller(), id, settings_of=community.settings_of)


handler = api.handler
