"""Demo data for `make dev` (issue 12): a tenant who signs in to the resident portal by magic link.

Her address is an ordinary one, so her sign-in mail lands in the dev mailbox (the SES simulator
addresses of the other demo residents do not), and one message is sent to her record so the portal
has something to list. Idempotent: nothing is added when she exists already.
"""

from __future__ import annotations

from shared.identity import repository as identity_repository
from shared.messaging import service as messages
from shared.messaging.schemas import MessageCreate, Related
from shared.platform.channels import Category, Channel
from shared.platform.context import Caller, RequestMeta
from shared.residents import repository as residents_repository
from shared.residents import service as residents
from shared.residents.schemas import ResidentFields
from shared.spec.permissions import Role
from shared.templates import service as templates
from shared.templates.schemas import TemplateCreate

PORTAL_TENANT_EMAIL = "tess.tenant@maplegrove.example.com"
_SEED = RequestMeta(ip="127.0.0.1", user_agent="porchlight-seed")


def seed(community_id: str, admin_email: str) -> str:
    """The demo tenant (made once, with a welcome message to her record); her address."""
    if residents_repository.by_email(community_id, PORTAL_TENANT_EMAIL) is not None:
        return PORTAL_TENANT_EMAIL
    admin = identity_repository.user_by_email(community_id, admin_email)
    if admin is None:
        return PORTAL_TENANT_EMAIL
    (result,) = residents.upsert_many(community_id, [ResidentFields.model_validate({
        "first_name": "Tess", "last_name": "Tenant", "email": PORTAL_TENANT_EMAIL, "role": "tenant",
        "unit": "201B", "balance": "0.00"})], source="demo-seed", actor_id=admin.id)
    if result.resident_id is None:
        return PORTAL_TENANT_EMAIL
    caller = Caller(user_id=admin.id, community_id=community_id, role=Role.ADMIN, session_id="seed",
                    email_verified=True)
    welcome = templates.create(caller, TemplateCreate(
        name="Portal welcome", channel=Channel.EMAIL, category=Category.TRANSACTIONAL,
        subject="Welcome to the Maple Grove resident portal, {{first_name}}",
        html="<p>Hi {{first_name}},</p><p>Your unit {{unit}} now has a resident portal: sign in with your "
             "email address, no password needed.</p><p>— {{community_name}}</p>"))
    messages.create(caller, MessageCreate(channel=Channel.EMAIL, template_id=welcome.id,
                                          resident_id=result.resident_id,
                                          related=Related(type="tenancy", id="demo-201B")), _SEED)
    return PORTAL_TENANT_EMAIL
