"""GET /v1/templates: the community's templates, newest first, paginated by cursor."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint
from shared.templates import service
from shared.templates.schemas import TemplateList

api = endpoint(__name__)


@api
def list_templates(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> TemplateList:
    return service.page(current_caller(), limit=limit, after=cursor)


handler = api.handler
