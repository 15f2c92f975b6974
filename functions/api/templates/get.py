"""GET /v1/templates/{id}: one of the community's templates."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.templates import service
from shared.templates.schemas import TemplateOut

api = endpoint(__name__)


@api
def get_template(id: Annotated[str, Path(min_length=1, max_length=64)]) -> TemplateOut:  # noqa: A002
    return service.detail(current_caller(), id)


handler = api.handler
