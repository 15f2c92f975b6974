"""The contract's role table, cell by cell."""

import pytest

from shared.platform.context import Caller, authorize
from shared.platform.errors import EmailUnverified, Forbidden
from shared.spec.permissions import VERIFIED_EMAIL_REQUIRED, allows
from shared.spec.permissions import Permission as P
from shared.spec.permissions import Role as R

pytestmark = pytest.mark.unit

TABLE = {
    P.COMMUNITY_MANAGE: {R.ADMIN},
    P.RESIDENTS_READ: {R.ADMIN, R.MANAGER, R.BOARD},
    P.RESIDENTS_WRITE: {R.ADMIN, R.MANAGER},
    P.COMMS_MANAGE: {R.ADMIN, R.MANAGER},
    P.MESSAGES_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.OWNER, R.TENANT},
    P.REPORTS_READ: {R.ADMIN, R.MANAGER, R.BOARD},  # "messages & reports read", aggregate: staff only
    P.ASSETS_MANAGE: {R.ADMIN, R.MANAGER},
    P.ASSETS_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.OWNER, R.TENANT},
    P.PLATFORM_ADMIN: {R.SUPER_ADMIN},
    P.INTAKE_MANAGE: {R.ADMIN, R.MANAGER},  # "intake form, applications"
    P.AUTHENTICATED: set(R),
    # Issue 12: the privileged actions that also need a verified email, and the portal invitation.
    P.USERS_INVITE: {R.ADMIN},
    P.MFA_POLICY_MANAGE: {R.ADMIN},
    P.RESIDENTS_EXPORT: {R.ADMIN},
    P.PROPERTIES_ASSIGN: {R.ADMIN},
    P.COMMS_SEND: {R.ADMIN, R.MANAGER},
    P.PORTAL_INVITE: {R.ADMIN, R.MANAGER},
    P.WORK_ORDERS_CREATE: {R.ADMIN, R.MANAGER, R.OWNER, R.TENANT},  # board reads only; tenants on their units
    # "work orders read / write": every community role reads (owners/tenants their own, property owners
    # their assigned properties'); admins and managers write.
    P.WORK_ORDERS_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.OWNER, R.TENANT, R.PROPERTY_OWNER},
    P.WORK_ORDERS_WRITE: {R.ADMIN, R.MANAGER},
    # Property operations (issue 11): which properties is shared.properties.scope's (tests/unit/test_scope.py).
    P.PROPERTIES_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.PROPERTY_OWNER},
    P.PROPERTIES_WRITE: {R.ADMIN, R.MANAGER},
    P.TENANCIES_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.PROPERTY_OWNER, R.OWNER, R.TENANT},
    # Notices (issue 14): staff write; owners/tenants read served notices on their own tenancies (the query's).
    P.NOTICES_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.OWNER, R.TENANT},
    P.NOTICES_WRITE: {R.ADMIN, R.MANAGER},
    P.REMINDERS_READ: {R.ADMIN, R.MANAGER, R.BOARD},
    P.RENT_PLAN_READ: {R.ADMIN, R.MANAGER, R.BOARD},
}


@pytest.mark.parametrize("permission", list(P))
@pytest.mark.parametrize("role", list(R))
def test_role_table(permission: P, role: R) -> None:
    assert allows(role, permission) == (role in TABLE[permission])


def test_unknown_role_holds_nothing() -> None:
    assert not any(allows("janitor", p) for p in P)


def test_the_verified_email_rule_is_the_permission_layers() -> None:
    """Issue 12: invite users, change the MFA policy, export residents, assign properties and send
    need a verified address; the rule is one set, enforced by `authorize` for every route."""
    assert {P.USERS_INVITE, P.MFA_POLICY_MANAGE, P.RESIDENTS_EXPORT, P.PROPERTIES_ASSIGN,
            P.COMMS_SEND} <= VERIFIED_EMAIL_REQUIRED
    unverified = Caller(user_id="u", community_id="c", role=R.ADMIN, session_id="s", email_verified=False)
    verified = Caller(user_id="u", community_id="c", role=R.ADMIN, session_id="s", email_verified=True)
    for permission in VERIFIED_EMAIL_REQUIRED:
        with pytest.raises(EmailUnverified):
            authorize(unverified, permission)
        authorize(verified, permission)
    authorize(unverified, P.COMMUNITY_MANAGE)  # everything else does not ask
    tenant = Caller(user_id="u", community_id="c", role=R.TENANT, session_id="s", email_verified=False)
    with pytest.raises(Forbidden):  # the role is checked first: a tenant is refused, not asked to verify
        authorize(tenant, P.USERS_INVITE)
