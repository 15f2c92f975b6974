"""Demo data for the local runtime (`make dev`): the super admin and a demo community.

Both are idempotent: restarting the runtime signs into the same accounts. Both accounts are
enrolled in MFA with a known secret (the banner prints it), because their roles require MFA; the
demo admin's email is verified so it can send straight away.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.community import repository as communities
from shared.identity import repository, service
from shared.identity.mail import AccountMailer
from shared.identity.schemas import SignupRequest
from shared.platform.context import RequestMeta

DEMO_COMMUNITY = "Maple Grove HOA"
DEMO_ADMIN_EMAIL = "admin@maplegrove.example.com"
DEMO_ADMIN_PASSWORD = "porchlight-demo-admin"
DEMO_ADMIN_TOTP_SECRET = "MAPLEGROVEDEMOADMINTOTPSECRET234"  # base32, 160 bits; dev only
_LOCAL = RequestMeta(ip="127.0.0.1", user_agent="porchlight-seed")


@dataclass(frozen=True)
class DemoCommunity:
    name: str
    slug: str
    admin_email: str
    admin_password: str
    admin_totp_secret: str = DEMO_ADMIN_TOTP_SECRET
    portal_email: str = ""  # a resident who signs in to the portal by magic link (issue 12)


def seed_super_admin(email: str, password: str, totp_secret: str | None = None) -> None:
    """The platform super admin, enrolled in MFA with `totp_secret` when given."""
    service.create_super_admin(email, password, totp_secret=totp_secret)


def seed_demo_community(*, mailer: AccountMailer) -> DemoCommunity:
    slug = "maple-grove-hoa"
    existing = communities.community_by_slug(slug)
    if existing is None:
        issued = service.signup(
            SignupRequest(community_name=DEMO_COMMUNITY, email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD,
                          full_name="Dana Demo"),
            _LOCAL, mailer=mailer,
        )
        assert issued.community is not None
        slug = issued.community.slug
        admin = issued.user
        repository.mark_email_verified(admin)
        service.enroll_known_secret(admin, DEMO_ADMIN_TOTP_SECRET)
    return DemoCommunity(name=DEMO_COMMUNITY, slug=slug, admin_email=DEMO_ADMIN_EMAIL,
                         admin_password=DEMO_ADMIN_PASSWORD)
