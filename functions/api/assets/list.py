"""GET /v1/assets?folder=&tag=: the assets the caller may see, newest first, paginated by cursor."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.assets import service
from shared.assets.schemas import MAX_FOLDER, AssetList
from shared.platform.context import current_caller
from shared.platform.cursor import DEFAULT_LIMIT, MAX_LIMIT
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def list_assets(
    folder: Annotated[str | None, Query(max_length=MAX_FOLDER)] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> AssetList:
    return service.page(current_caller(), folder=None if folder is None else folder.strip().strip("/"), tag=tag,
                        limit=limit, after=cursor)


handler = api.handler
