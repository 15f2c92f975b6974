"""DELETE /v1/notices/{id}: delete a draft (204; 409 once served)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.notices_service import service
from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content

api = endpoint(__name__)


@api
def delete_notice(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[None]:  # noqa: A002
    service.delete(current_caller(), id, api.meta())
    return no_content()


handler = api.handler
