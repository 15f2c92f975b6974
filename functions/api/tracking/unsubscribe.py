"""POST /v1/unsubscribe/{token}: unsubscribe, from the page's button or RFC 8058 one-click.

Mail clients POST `List-Unsubscribe=One-Click` (form-encoded or multipart) with no cookies or
session; the page's form POSTs an empty body. The signed token is the whole authority, so any
body is accepted; it only tells which of the two it was.
"""

import base64

from aws_lambda_powertools.event_handler import Response

from shared.platform.errors import NotFound
from shared.platform.http import endpoint
from shared.tracking import service, web

api = endpoint(__name__)


def _is_one_click() -> bool:
    event = api.app.current_event
    body = event.body or ""
    if event.is_base64_encoded and body:
        body = base64.b64decode(body).decode("utf-8", errors="replace")
    return "One-Click" in body


@api
def unsubscribe(token: str) -> Response[str]:
    try:
        view = service.unsubscribe(token, api.meta(), one_click=_is_one_click())
    except NotFound:
        return web.not_found(api.app.current_event.headers.get("accept"))
    return web.unsubscribed_page(view)


handler = api.handler
