"""POST /v1/residents/imports: start a CSV import; 201 with its id and the presigned POST for the file."""

from shared.imports import service
from shared.imports.schemas import ImportCreate, ImportCreated
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def create_import(body: ImportCreate) -> ImportCreated:
    return service.create(current_caller(), body, api.meta())


handler = api.handler
