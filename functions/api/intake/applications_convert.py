"""POST /v1/applications/{id}/convert: an approved application → a tenant resident and a tenancy (201).

The tenancy is the properties domain's (its scope, overlap and party rules); a converted application
is final, so converting again is 409, and the same Idempotency-Key replays the first answer.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.intake import applications, tenancies
from shared.intake.schemas import ApplicationConvert
from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.properties.schemas import TenancyOut

api = endpoint(__name__)


@api
def convert_application(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                        body: ApplicationConvert) -> TenancyOut:
    tenancy = applications.convert(current_caller(), id, body, api.meta(), tenancies.PROPERTIES)
    return TenancyOut.model_validate(tenancy)


handler = api.handler
