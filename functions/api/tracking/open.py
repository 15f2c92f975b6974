"""GET /v1/t/open/{token}: the open pixel. The same GIF for every token, good or bad, so the
answer never tells whether a token is genuine; only a genuine one records an open."""

from aws_lambda_powertools.event_handler import Response

from shared.platform.http import endpoint
from shared.tracking import service, web

api = endpoint(__name__)


@api
def open_pixel(token: str) -> Response[str]:
    service.record_open(token)
    return web.gif()


handler = api.handler
