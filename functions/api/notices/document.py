"""GET /v1/notices/{id}/document.pdf: the notice's particulars and, once served, its certificate of service."""

import base64
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.notices_service import documents
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def notice_document(id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response[str]:  # noqa: A002
    # base64 already, with the flag set (as the tracking pixel): the response validation sees text only
    body = base64.b64encode(documents.pdf(current_caller(), id)).decode("ascii")
    response: Response[str] = Response(
        status_code=200, content_type="application/pdf", body=body,
        headers={"Content-Disposition": f'inline; filename="notice-{id}.pdf"', "Cache-Control": "no-store"})
    response.base64_encoded = True
    return response


handler = api.handler
