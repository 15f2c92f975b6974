"""POST /v1/work-orders/{id}/entry: written notice of entry (RTA s. 27) mailed to the tenancy's parties."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.community import service as community
from shared.maintenance import workorders
from shared.maintenance.schemas import EntryRequest, WorkOrderOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def give_entry_notice(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                      body: EntryRequest) -> WorkOrderOut:
    return workorders.give_entry_notice(current_caller(), id, body, api.meta(), settings_of=community.settings_of)


handler = api.handler
