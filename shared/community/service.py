"""Community settings (name, time zone, MFA policy, sender, branding) and the platform's listing."""

from __future__ import annotations

from collections.abc import Callable

from shared.audit.events import AuditEvent, publish
from shared.community import repository
from shared.community.models import Community
from shared.community.schemas import CommunityDetail, CommunityList, CommunityPatch
from shared.platform import cursor
from shared.platform.context import Caller, RequestMeta, authorize
from shared.platform.errors import NotFound
from shared.platform.keys import PLATFORM
from shared.spec.permissions import Permission

# Checks a branding logo: (community id, asset id) -> None, or raises ValidationFailed. The assets
# domain owns what "a ready image" means; the handler passes its check in.
LogoCheck = Callable[[str, str], object]


def audit(action: str, community_id: str, meta: RequestMeta, *, actor: str | None = None,
          target: str | None = None, **detail: object) -> None:
    publish(AuditEvent(community_id=community_id, action=action, actor_id=actor, target=target,
                       ip=meta.ip, user_agent=meta.user_agent[:512], detail=dict(detail)))


def detail(community: Community) -> CommunityDetail:
    return CommunityDetail(
        id=community.id, slug=community.slug, name=community.name, timezone=community.timezone,
        mfa_required_roles=community.mfa_required_roles, sender=community.sender, branding=community.branding,
        default_region=community.default_region, delinquency_threshold=community.delinquency_threshold,
        work_order_sla_hours=community.work_order_sla_hours, heating_season=community.heating_season,
        on_call_phones=community.on_call_phones,
        created_at=community.created_at, updated_at=community.updated_at,
    )


def get(caller: Caller) -> CommunityDetail:
    community = None if caller.is_platform else repository.get_community(caller.community_id)
    if community is None:
        raise NotFound()
    return detail(community)


def patch(caller: Caller, request: CommunityPatch, meta: RequestMeta, *,
          logo_check: LogoCheck | None = None) -> CommunityDetail:
    community = None if caller.is_platform else repository.get_community(caller.community_id)
    if community is None:
        raise NotFound()
    changes = request.model_dump(exclude_unset=True, exclude_none=True)
    values = {name: getattr(request, name) for name in changes}
    if "mfa_required_roles" in values:  # a privileged change: the permission layer says who (and verified)
        authorize(caller, Permission.MFA_POLICY_MANAGE)
    if request.branding is not None and request.branding.logo_asset_id and logo_check is not None:
        logo_check(community.id, request.branding.logo_asset_id)
    if not values:
        return detail(community)
    before = {name: _plain(getattr(community, name)) for name in values}
    updated = repository.update_community(community, **values)
    audit("community.settings_changed", community.id, meta, actor=caller.user_id, target=community.id,
          before=before, after={name: _plain(getattr(updated, name)) for name in values})
    return detail(updated)


def _plain(value: object) -> object:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def list_all(*, limit: int, after: str | None) -> CommunityList:
    """Every community, for the super admin (the platform pseudo-community binds the cursor)."""
    items, last = repository.list_communities(limit=limit, after=cursor.decode(PLATFORM, after))
    return CommunityList(items=[detail(c) for c in items], next_cursor=cursor.encode(PLATFORM, last))


def settings_of(community_id: str) -> Community:
    """The community and its settings, for domains that judge by them (work-order triage: the time zone
    and the heating season)."""
    community = repository.get_community(community_id)
    if community is None:
        raise NotFound()
    return community
