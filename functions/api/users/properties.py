"""PUT /v1/users/{id}/properties: limit a manager or property owner to these properties."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties import assignments
from shared.properties.assignments import AssignmentsIn, AssignmentsOut

api = endpoint(__name__)


@api
def assign_properties(id: Annotated[str, Path(min_length=1, max_length=64)], body: AssignmentsIn) -> AssignmentsOut:  # noqa: A002
    return assignments.assign(current_caller(), id, body, api.meta())


handler = api.handler
