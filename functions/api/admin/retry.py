"""POST /v1/admin/communities/{id}/messages/{mid}/retry: requeue one failed message (super admin)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.messaging import support
from shared.messaging.schemas import Queued
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def retry_community_message(id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
                            mid: Annotated[str, Path(min_length=1, max_length=64)]) -> Queued:
    return support.retry(current_caller(), id, mid, api.meta())


handler = api.handler
