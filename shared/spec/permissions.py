"""Roles and permissions, transcribed once from the contract's role table."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SUPER_ADMIN = "super_admin"
    ADMIN = "admin"
    MANAGER = "manager"
    BOARD = "board"
    OWNER = "owner"
    TENANT = "tenant"
    PROPERTY_OWNER = "property_owner"  # a rental property's owner-investor: read-only, assigned properties only


COMMUNITY_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER, Role.BOARD, Role.OWNER, Role.TENANT,
                                     Role.PROPERTY_OWNER)
STAFF_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD})


class Permission(StrEnum):
    AUTHENTICATED = "authenticated"  # any signed-in caller, community or platform
    COMMUNITY_MANAGE = "community.manage"  # settings, users, MFA policy
    RESIDENTS_READ = "residents.read"
    RESIDENTS_WRITE = "residents.write"
    COMMS_MANAGE = "comms.manage"  # templates, campaigns, send, retry
    MESSAGES_READ = "messages.read"  # owner/tenant: their own only (enforced by the query)
    REPORTS_READ = "reports.read"  # campaign reports, recipient logs, communications report (staff)
    ASSETS_MANAGE = "assets.manage"
    ASSETS_READ = "assets.read"  # owner/tenant: what their role may see (enforced by the query)
    PLATFORM_ADMIN = "platform.admin"
    # Issue 12: the privileged actions an admin may take only with a verified email (see below).
    USERS_INVITE = "users.invite"
    MFA_POLICY_MANAGE = "community.mfa_policy"  # checked by PATCH /v1/community when it changes the policy
    RESIDENTS_EXPORT = "residents.export"
    PROPERTIES_ASSIGN = "properties.assign"  # PUT /v1/users/{id}/properties (the properties issue)
    COMMS_SEND = "comms.send"  # send a message, send a campaign
    PORTAL_INVITE = "residents.portal_invite"  # mail a resident a portal sign-in link
    # Work orders (issue 13): staff write, and owners/tenants create on their own units (the query scopes them).
    WORK_ORDERS_CREATE = "work_orders.create"
    WORK_ORDERS_READ = "work_orders.read"  # owner/tenant: their tenancies' only; property owner: assigned only
    WORK_ORDERS_WRITE = "work_orders.write"  # staff: edit, entry notices (scoped managers: their properties)
    INTAKE_MANAGE = "intake.manage"  # the rental intake form and its applications (issue 15)
    # Property operations (issue 11). Which properties a caller reaches is data, not role: see
    # shared/properties/scope.py, the one function every property-ops service asks.
    PROPERTIES_READ = "properties.read"  # properties and units: staff and property owners (assigned only)
    PROPERTIES_WRITE = "properties.write"  # properties, units, tenancies, ledgers, assignments' subjects
    TENANCIES_READ = "tenancies.read"  # tenancies and ledgers: also owners/tenants (their own only)
    # Ontario notices (issue 14): scoped like every property resource (shared/properties/scope.py).
    NOTICES_READ = "notices.read"  # owners/tenants: served notices on their own tenancies only (the query's)
    NOTICES_WRITE = "notices.write"
    REMINDERS_READ = "reminders.read"  # the reminder centre: staff
    RENT_PLAN_READ = "rent_plan.read"  # the rent-increase plan: staff


# Residents and staff; a property owner is neither (the contract's table gives them property reads only).
_ALL_COMMUNITY = frozenset(COMMUNITY_ROLES) - {Role.PROPERTY_OWNER}

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.AUTHENTICATED: frozenset(COMMUNITY_ROLES) | {Role.SUPER_ADMIN},
    Permission.COMMUNITY_MANAGE: frozenset({Role.ADMIN}),
    Permission.RESIDENTS_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD}),
    Permission.RESIDENTS_WRITE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.COMMS_MANAGE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.MESSAGES_READ: _ALL_COMMUNITY,
    # "messages & reports read" is the staff's; an owner's or tenant's "own only" has no aggregate report.
    Permission.REPORTS_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD}),
    Permission.ASSETS_MANAGE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.ASSETS_READ: _ALL_COMMUNITY,
    Permission.PLATFORM_ADMIN: frozenset({Role.SUPER_ADMIN}),
    Permission.USERS_INVITE: frozenset({Role.ADMIN}),
    Permission.MFA_POLICY_MANAGE: frozenset({Role.ADMIN}),
    Permission.RESIDENTS_EXPORT: frozenset({Role.ADMIN}),
    Permission.PROPERTIES_ASSIGN: frozenset({Role.ADMIN}),
    Permission.COMMS_SEND: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.PORTAL_INVITE: frozenset({Role.ADMIN, Role.MANAGER}),
    # "work orders read / write": admin ✓/✓, manager ✓/✓ ¹, board read only, owner/tenant create on their units.
    Permission.WORK_ORDERS_CREATE: frozenset({Role.ADMIN, Role.MANAGER, Role.OWNER, Role.TENANT}),
    Permission.WORK_ORDERS_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD, Role.OWNER, Role.TENANT,
                                            Role.PROPERTY_OWNER}),
    Permission.WORK_ORDERS_WRITE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.INTAKE_MANAGE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.PROPERTIES_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD, Role.PROPERTY_OWNER}),
    Permission.PROPERTIES_WRITE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.TENANCIES_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD, Role.PROPERTY_OWNER, Role.OWNER,
                                          Role.TENANT}),
    Permission.NOTICES_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD, Role.OWNER, Role.TENANT}),
    Permission.NOTICES_WRITE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.REMINDERS_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD}),
    Permission.RENT_PLAN_READ: frozenset({Role.ADMIN, Role.MANAGER, Role.BOARD}),
}

# The one statement of "verify your email first" (issue 12): holding one of these permissions is not
# enough until the caller's email address is verified; `shared.platform.context.authorize` answers
# 403 `EMAIL_UNVERIFIED` otherwise. Routes name the permission; nothing else repeats the rule.
VERIFIED_EMAIL_REQUIRED: frozenset[Permission] = frozenset({
    Permission.COMMS_SEND,
    Permission.USERS_INVITE,
    Permission.MFA_POLICY_MANAGE,
    Permission.RESIDENTS_EXPORT,
    Permission.PROPERTIES_ASSIGN,
    Permission.PORTAL_INVITE,
})

# Roles a magic link may sign in (issue 12): residents only; staff use password + MFA.
PORTAL_ROLES: frozenset[Role] = frozenset({Role.OWNER, Role.TENANT})

# "templates, campaigns, send, retry: manager (unscoped only)": a manager with property assignments
# (`Caller.scoped`, set by the authorizer) is refused these whatever their role grants.
UNSCOPED_ONLY: frozenset[Permission] = frozenset({Permission.COMMS_MANAGE, Permission.COMMS_SEND})


def allows(role: Role | str, permission: Permission) -> bool:
    """True when `role` holds `permission`; unknown roles hold nothing."""
    try:
        return Role(role) in GRANTS[permission]
    except ValueError:
        return False
