"""GET /v1/community: the caller's community and its settings."""

from shared.community import service as community
from shared.community.schemas import CommunityDetail
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def get_community() -> CommunityDetail:
    return community.get(current_caller())


handler = api.handler
