"""GET /v1/messages/{id}: one message with every attempt and provider event."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.messaging import service
from shared.messaging.schemas import MessageOut
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_message(id: Annotated[str, Path(min_length=1, max_length=64)]) -> MessageOut:  # noqa: A002
    return service.get(current_caller(), id)


handler = api.handler
