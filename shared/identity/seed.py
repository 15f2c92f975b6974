"""Demo data for the local runtime (`make dev`): the super admin and a demo community.

Both functions are idempotent: restarting the runtime signs into the same accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.identity import repository, service
from shared.identity.schemas import SignupRequest
from shared.platform.context import RequestMeta

DEMO_COMMUNITY = "Maple Grove HOA"
DEMO_ADMIN_EMAIL = "admin@maplegrove.example.com"
DEMO_ADMIN_PASSWORD = "porchlight-demo-admin"
_LOCAL = RequestMeta(ip="127.0.0.1", user_agent="porchlight-seed")


@dataclass(frozen=True)
class DemoCommunity:
    name: str
    slug: str
    admin_email: str
    admin_password: str


def seed_super_admin(email: str, password: str, totp_secret: str | None = None) -> None:
    """Create the platform super admin. `totp_secret` pre-enrolls MFA once identity MFA ships
    (issue 4); until then the account signs in with its password alone."""
    service.create_super_admin(email, password)


def seed_demo_community() -> DemoCommunity:
    slug = "maple-grove-hoa"
    existing = repository.community_by_slug(slug)
    if existing is None:
        issued = service.signup(
            SignupRequest(community_name=DEMO_COMMUNITY, email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD,
                          full_name="Dana Demo"),
            _LOCAL,
        )
        assert issued.community is not None
        slug = issued.community.slug
    return DemoCommunity(name=DEMO_COMMUNITY, slug=slug, admin_email=DEMO_ADMIN_EMAIL,
                         admin_password=DEMO_ADMIN_PASSWORD)
