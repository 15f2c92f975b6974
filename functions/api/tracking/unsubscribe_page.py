"""GET /v1/unsubscribe/{token}: the confirmation page with an "Unsubscribe" button.

GET changes nothing: mail security scanners open every link in a message.
"""

from aws_lambda_powertools.event_handler import Response

from shared.platform.errors import NotFound
from shared.platform.http import endpoint
from shared.tracking import service, web

api = endpoint(__name__)


@api
def unsubscribe_page(token: str) -> Response[str]:
    try:
        view = service.unsubscribe_view(token)
    except NotFound:
        return web.not_found(api.app.current_event.headers.get("accept"))
    return web.unsubscribe_page(view)


handler = api.handler
