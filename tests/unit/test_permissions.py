"""The contract's role table, cell by cell."""

import pytest

from shared.spec.permissions import Permission as P
from shared.spec.permissions import Role as R
from shared.spec.permissions import allows

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
    P.WORK_ORDERS_CREATE: {R.ADMIN, R.MANAGER, R.OWNER, R.TENANT},  # board reads only; tenants on their units
    # "work orders read / write": every community role reads (owners/tenants their own, property owners
    # their assigned properties'); admins and managers write.
    P.WORK_ORDERS_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.OWNER, R.TENANT, R.PROPERTY_OWNER},
    P.WORK_ORDERS_WRITE: {R.ADMIN, R.MANAGER},
    # Property operations (issue 11): which properties is shared.properties.scope's (tests/unit/test_scope.py).
    P.PROPERTIES_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.PROPERTY_OWNER},
    P.PROPERTIES_WRITE: {R.ADMIN, R.MANAGER},
    P.TENANCIES_READ: {R.ADMIN, R.MANAGER, R.BOARD, R.PROPERTY_OWNER, R.OWNER, R.TENANT},
}


@pytest.mark.parametrize("permission", list(P))
@pytest.mark.parametrize("role", list(R))
def test_role_table(permission: P, role: R) -> None:
    assert allows(role, permission) == (role in TABLE[permission])


def test_unknown_role_holds_nothing() -> None:
    assert not any(allows("janitor", p) for p in P)
