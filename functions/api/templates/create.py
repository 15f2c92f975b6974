"""POST /v1/templates: a new message template (version 1), its variables read from its sources."""

from shared.platform.context import current_caller
from shared.platform.http import endpoint
from shared.templates import service
from shared.templates.schemas import TemplateCreate, TemplateOut

api = endpoint(__name__)


@api
def create_template(body: TemplateCreate) -> TemplateOut:
    return service.create(current_caller(), body)


handler = api.handler
