"""GET /v1/t/click/{token}: 302 to the link signed into the token, the click recorded.

The target comes only from a verified token, never from the request: this is not an open
redirect. Anything else is 404.
"""

from aws_lambda_powertools.event_handler import Response

from shared.platform.http import endpoint
from shared.tracking import service, web

api = endpoint(__name__)


@api
def click(token: str) -> Response[None]:
    return web.redirect(service.click_target(token))


handler = api.handler
