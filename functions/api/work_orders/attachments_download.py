"""GET /v1/work-orders/{id}/attachments/{aid}/download?variant=original|thumbnail: a presigned GET (5 minutes)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.assets.schemas import DownloadOut
from shared.maintenance import attachments
from shared.maintenance.schemas import Variant
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def download_work_order_attachment(
    id: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: A002
    aid: Annotated[str, Path(min_length=1, max_length=64)],
    variant: Annotated[Variant, Query()] = Variant.ORIGINAL,
) -> DownloadOut:
    return attachments.download(current_caller(), id, aid, variant)


handler = api.handler
