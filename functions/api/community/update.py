"""PATCH /v1/community: name, time zone, MFA policy, sender and branding (audited with before/after)."""

from shared.assets import service as assets
from shared.community import service as community
from shared.community.schemas import CommunityDetail, CommunityPatch
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def update_community(body: CommunityPatch) -> CommunityDetail:
    return community.patch(current_caller(), body, api.meta(), logo_check=assets.require_ready_image)


handler = api.handler
