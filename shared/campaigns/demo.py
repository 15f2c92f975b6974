"""Demo content for the local runtime's demo community: residents, a dues template, a segment and a
draft campaign, so `make dev` can show a campaign end to end at once. Idempotent (only into an
empty directory); everything goes through the domain services, as the API would."""

from __future__ import annotations

from decimal import Decimal

from shared.campaigns import service as campaigns
from shared.campaigns.models import Audience
from shared.campaigns.schemas import CampaignCreate
from shared.identity import repository as identity_repository
from shared.platform.channels import Category, Channel
from shared.platform.context import Caller
from shared.residents import repository as residents_repository
from shared.residents import segments
from shared.residents import service as residents
from shared.residents.schemas import FilterIn, ResidentFields, SegmentCreate
from shared.spec.permissions import Role
from shared.templates import service as templates
from shared.templates.schemas import TemplateCreate

CAMPAIGN_NAME = "December dues reminder"
# (first, last, email, role, unit, balance, email consent): SES simulator addresses come back as
# delivered / bounced exactly as in SES; one owner opted out of marketing mail.
RESIDENTS = (
    ("Ava", "Martin", "success+ava@simulator.amazonses.com", "owner", "101", "240.00", True),
    ("Liam", "Chen", "success+liam@simulator.amazonses.com", "owner", "102", "85.50", True),
    ("Noah", "Patel", "bounce+noah@simulator.amazonses.com", "owner", "103", "120.00", True),
    ("Emma", "Rossi", "success+emma@simulator.amazonses.com", "owner", "104", "0.00", True),
    ("Mia", "Okafor", "success+mia@simulator.amazonses.com", "owner", "105", "35.00", False),
    ("Lucas", "Silva", "success+lucas@simulator.amazonses.com", "tenant", "201", "60.00", True),
    ("Zoe", "Nguyen", "success+zoe@simulator.amazonses.com", "board", "106", "0.00", True),
    ("Omar", "Haddad", "complaint+omar@simulator.amazonses.com", "owner", "107", "15.00", True),
)


def seed(community_id: str, admin_email: str) -> str | None:
    """Fill an empty demo community; the draft campaign's id (None when it had residents already)."""
    if next(residents_repository.iter_community(community_id), None) is not None:
        return None
    admin = identity_repository.user_by_email(community_id, admin_email)
    if admin is None:
        return None
    caller = Caller(user_id=admin.id, community_id=community_id, role=Role.ADMIN, session_id="seed")
    rows = [ResidentFields.model_validate({"first_name": f, "last_name": last, "email": email, "role": role,
                                           "unit": unit, "balance": Decimal(b),
                                           "consent": {"email": consent, "sms": False}})
            for f, last, email, role, unit, b, consent in RESIDENTS]
    residents.upsert_many(community_id, rows, source="demo-seed", actor_id=admin.id)
    template = templates.create(caller, TemplateCreate(
        name="Dues reminder", channel=Channel.EMAIL, category=Category.MARKETING,
        subject="Your Maple Grove balance, {{first_name}}",
        html="<p>Hi {{first_name}},</p><p>Our records show a balance of <strong>${{balance}}</strong> for unit "
             "{{unit}}. You can pay it on the <a href=\"https://example.com/pay\">resident portal</a>.</p>"
             "<p>— {{community_name}}</p>"))
    segment = segments.create(caller, SegmentCreate(name="Delinquent owners", filter=FilterIn(
        roles=["owner"], statuses=["delinquent"])))
    made = campaigns.create(caller, CampaignCreate(
        name=CAMPAIGN_NAME, channel=Channel.EMAIL, template_id=template.id,
        audience=Audience(segment_id=segment.id)))
    return made.id
