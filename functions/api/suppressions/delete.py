"""DELETE /v1/suppressions/{channel}/{address}: lift a suppression; 404 if there is none.

The address is a path segment, so clients percent-encode it (`ann%40example.com`,
`%2B15551234567`); the resolver hands it over as sent and it is decoded once here.
"""

from typing import Annotated
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.platform.channels import Channel
from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content
from shared.suppression import admin

api = endpoint(__name__)


@api
def delete_suppression(
    channel: Annotated[Channel, Path()],
    address: Annotated[str, Path(min_length=1, max_length=1024)],
) -> Response[None]:
    admin.delete(current_caller(), channel, unquote(address), api.meta())
    return no_content()


handler = api.handler
