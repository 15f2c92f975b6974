"""POST /v1/messages: render and queue one email or SMS (202)."""

from shared.messaging import service
from shared.messaging.schemas import MessageCreate, Queued
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def create_message(body: MessageCreate) -> Queued:
    return service.create(current_caller(), body, api.meta())


handler = api.handler
