"""A demo rental community for the local runtime (`make dev`): "Riverside Rentals".

Its own admin (password + TOTP, like the HOA demo's) and a `property_owner` assigned to one of its
two properties; ten units, eight tenancies with four months of rent and payments, one tenant in
arrears. Everything goes through the domain services as the API would (the tenancies are created
with `rent_from` backdated, the rent charges are the rent job's own drafts, and each tenancy's history
is posted by the ledger service in one transaction, so start-up stays quick). Idempotent: a community
that exists is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from shared.community import repository as communities
from shared.identity import passwords
from shared.identity import repository as identity_repository
from shared.identity import service as identity_service
from shared.identity.models import User
from shared.identity.schemas import SignupRequest
from shared.messaging import account_mail
from shared.platform import clock, ids
from shared.platform.context import Caller, RequestMeta
from shared.properties import assignments, days, ledger_service, rent, repository, service, tenancies
from shared.properties.models import Address, EntryKind, LedgerEntry, PaymentMethod, PropertyKind, RentPeriod
from shared.properties.schemas import PropertyCreate, TenancyCreate, UnitCreate
from shared.residents import repository as residents_repository
from shared.residents import service as residents
from shared.residents.schemas import ResidentFields
from shared.spec.permissions import Role

NAME = "Riverside Rentals"
SLUG = "riverside-rentals"
ADMIN_EMAIL = "admin@riverside.example.com"
ADMIN_PASSWORD = "porchlight-rentals-admin"
ADMIN_TOTP_SECRET = "RIVERSIDERENTALSADMINTOTPSECRET2"  # base32, 160 bits; dev only
OWNER_EMAIL = "owner@riverside.example.com"
OWNER_PASSWORD = "porchlight-rentals-owner"
# The tenant in arrears signs in to the resident portal by magic link (issue 12): an ordinary address, so
# her sign-in mail lands in the dev mailbox; the other tenants have SES simulator addresses.
PORTAL_TENANT = "Sofia"
PORTAL_TENANT_EMAIL = "sofia.marino@riverside.example.com"
TIMEZONE = "America/Toronto"
MONTHS_OF_HISTORY = 4
_LOCAL = RequestMeta(ip="127.0.0.1", user_agent="porchlight-seed")

# (property, units); then tenants: (first, last, property index, unit label, monthly rent, pays in full)
PROPERTIES = (
    ("Riverside Towers", ("101", "102", "103", "201", "202", "203")),
    ("Maple Lofts", ("A", "B", "C", "D")),
)
TENANTS = (
    ("Priya", "Sharma", 0, "101", "1850.00", True),
    ("Marcus", "Bell", 0, "102", "1725.00", True),
    ("Sofia", "Marino", 0, "103", "1990.00", False),  # in arrears: pays half each month
    ("Daniel", "Kim", 0, "201", "2100.00", True),
    ("Grace", "Osei", 0, "202", "1800.00", True),
    ("Tomas", "Novak", 1, "A", "1450.00", True),
    ("Hannah", "Lee", 1, "B", "1500.00", True),
    ("Yusuf", "Ahmed", 1, "C", "1395.00", True),
)


@dataclass(frozen=True)
class RentalDemo:
    name: str
    slug: str
    admin_email: str
    admin_password: str
    admin_totp_secret: str
    owner_email: str
    owner_password: str
    portal_tenant_email: str = PORTAL_TENANT_EMAIL


def demo() -> RentalDemo:
    return RentalDemo(NAME, SLUG, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, OWNER_EMAIL, OWNER_PASSWORD)


def seed() -> RentalDemo:
    """Create the rental community (once) and fill it."""
    if communities.community_by_slug(SLUG) is not None:
        return demo()
    issued = identity_service.signup(SignupRequest(community_name=NAME, email=ADMIN_EMAIL, password=ADMIN_PASSWORD,
                                                   full_name="Rhea Rentals"), _LOCAL,
                                     mailer=account_mail)
    assert issued.community is not None
    community = communities.update_community(issued.community, timezone=TIMEZONE)
    admin = issued.user
    identity_repository.mark_email_verified(admin)
    identity_service.enroll_known_secret(admin, ADMIN_TOTP_SECRET)
    caller = Caller(user_id=admin.id, community_id=community.id, role=Role.ADMIN, session_id="seed")
    _fill(caller)
    return demo()


def _owner(caller: Caller, property_id: str) -> None:
    now = clock.iso()
    owner = User(id=ids.new_id(), community_id=caller.community_id, email=OWNER_EMAIL, full_name="Olu Owner",
                 role=Role.PROPERTY_OWNER, status="active", password_hash=passwords.hash_password(OWNER_PASSWORD),
                 email_verified=True, mfa_enabled=False, created_at=now, updated_at=now)
    identity_repository.create_user(owner)
    assignments.assign(caller, owner.id, assignments.AssignmentsIn(property_ids=[property_id]), _LOCAL)


def _fill(caller: Caller) -> None:
    cid = caller.community_id
    address = Address(line1="1 River St", city="Toronto", province="ON", postal_code="M5V 2T6", country="CA")
    units: dict[tuple[int, str], str] = {}
    property_ids = []
    for index, (name, labels) in enumerate(PROPERTIES):
        prop = service.create_property(caller, PropertyCreate(name=name, kind=PropertyKind.RENTAL, address=address),
                                       _LOCAL)
        property_ids.append(prop.id)
        for label in labels:
            units[(index, label)] = service.create_unit(caller, prop.id, UnitCreate(label=label, bedrooms=2),
                                                        _LOCAL).id
    _owner(caller, property_ids[0])
    today = days.community_today(cid)
    start = (today.replace(day=1) - timedelta(days=31 * MONTHS_OF_HISTORY)).replace(day=1)
    rows = [ResidentFields.model_validate({
        "first_name": first, "last_name": last, "role": "tenant", "unit": label,
        "email": PORTAL_TENANT_EMAIL if first == PORTAL_TENANT else f"success+{first.lower()}@simulator.amazonses.com"})
        for first, last, _, label, *_ in TENANTS]
    made = residents.upsert_many(cid, rows, source="demo-seed", actor_id=caller.user_id)
    for (_, _, prop_index, label, monthly, pays_in_full), result in zip(TENANTS, made, strict=True):
        assert result.resident_id is not None
        created = tenancies.create_tenancy(caller, TenancyCreate(
            unit_id=units[(prop_index, label)], parties=[{"resident_id": result.resident_id, "lead": True}],
            start_on=start, rent=Decimal(monthly), rent_period=RentPeriod.MONTHLY, rent_due_day=1,
            email_service_consent=True), _LOCAL, known_residents=residents_repository.get_many, rent_from=start)
        _history(caller, created.id, start, today, Decimal(monthly), pays_in_full)


def _history(caller: Caller, tenancy_id: str, start: date, today: date, monthly: Decimal, in_full: bool) -> None:
    """Each month: the rent job's charge on the 1st (the job's own drafts), then the tenant's payment a
    few days later (today at the latest); the whole history posted in one transaction."""
    tenancy = repository.get_tenancy(caller.community_id, tenancy_id)
    assert tenancy is not None
    entries: list[LedgerEntry] = []
    for charge in rent.drafts(tenancy, today):
        entries.append(charge)
        amount = monthly if in_full else (monthly / 2).quantize(Decimal("0.01"))
        entries.append(LedgerEntry(
            id="", tenancy_id=tenancy_id, kind=EntryKind.PAYMENT, amount=amount, on=min(charge.on + timedelta(days=3),
                                                                                       today),
            method=PaymentMethod.ETRANSFER, reference=f"INTERAC-{charge.on:%Y%m}", description="Payment (etransfer)",
            balance_after=Decimal("0"), posted_by=caller.user_id, posted_at=""))
    ledger_service.post_drafts(tenancy, lambda _: entries, today=today,
                               adjust=lambda updated, _: updated.model_copy(update={"rent_charged_through": today}))
