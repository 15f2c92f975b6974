"""Who may see and change which properties: the one authorization function of property operations.

Every property-ops service (properties, units, tenancies, ledgers; later work orders and notices)
asks `authorize(caller, property_id, write=...)` before it touches a property's data, and lists ask
`scope_of(caller)` which properties to query. Nothing else decides it, and no endpoint re-implements it.

Deny by default: a role not named in `_RULES` reaches nothing. Out of scope is `404 NOT_FOUND`,
exactly as another community's resource; in scope but read-only is `403 FORBIDDEN`.

| role           | properties reached                                   | writes |
|----------------|------------------------------------------------------|--------|
| admin, board   | every property of the community                      | admin  |
| manager        | its assigned properties, or every one when it has none | yes  |
| property_owner | its assigned properties only (none when unassigned)  | no     |
| owner, tenant  | no property; the tenancies they are a party to       | no     |
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.platform.context import Caller
from shared.platform.errors import Forbidden, NotFound
from shared.properties import assigned, repository
from shared.spec.permissions import Role


@dataclass(frozen=True)
class _Rule:
    unassigned_sees_all: bool  # what an empty assignment means: everything (manager) or nothing
    assignable: bool  # PUT /v1/users/{id}/properties applies to the role
    write: bool
    community_wide: bool = False  # never scoped (admin, board)
    party_only: bool = False  # reaches only tenancies where the caller's resident is a party
    contact_details: bool = True


_RULES: dict[Role, _Rule] = {
    Role.ADMIN: _Rule(unassigned_sees_all=True, assignable=False, write=True, community_wide=True),
    Role.BOARD: _Rule(unassigned_sees_all=True, assignable=False, write=False, community_wide=True),
    Role.MANAGER: _Rule(unassigned_sees_all=True, assignable=True, write=True),
    Role.PROPERTY_OWNER: _Rule(unassigned_sees_all=False, assignable=True, write=False, contact_details=False),
    Role.OWNER: _Rule(unassigned_sees_all=False, assignable=False, write=False, party_only=True),
    Role.TENANT: _Rule(unassigned_sees_all=False, assignable=False, write=False, party_only=True),
}
ASSIGNABLE_ROLES: frozenset[Role] = frozenset(r for r, rule in _RULES.items() if rule.assignable)
if ASSIGNABLE_ROLES != assigned.ASSIGNABLE_ROLES:  # the authorizer reads shared.properties.assigned's
    raise RuntimeError("shared.properties.assigned.ASSIGNABLE_ROLES disagrees with the scope rules")


@dataclass(frozen=True)
class Scope:
    """What one caller reaches. `properties` None means every property of `community_id`."""

    community_id: str
    properties: frozenset[str] | None
    can_write: bool
    resident_id: str | None = None  # owner/tenant: the resident record their portal user is linked to
    contact_details: bool = True

    @property
    def community_wide(self) -> bool:
        return self.properties is None

    @property
    def scoped(self) -> bool:
        """True for a caller limited to some properties (a property manager or owner)."""
        return self.properties is not None and self.resident_id is None

    def sees_property(self, property_id: str) -> bool:
        return self.properties is None or property_id in self.properties

    def sees_tenancy(self, property_id: str, party_ids: Iterable[str]) -> bool:
        if self.resident_id is not None:
            return self.resident_id in set(party_ids)
        return self.sees_property(property_id)

    def ordered_properties(self) -> list[str]:
        return sorted(self.properties or ())


def _resident_of(caller: Caller) -> str | None:
    """The resident record a portal user (owner/tenant) is linked to, when identity records one."""
    from shared.identity import repository as identity_repository  # only owners'/tenants' requests

    user = identity_repository.get_user(caller.community_id, caller.user_id)
    resident_id = getattr(user, "resident_id", None) if user is not None else None
    return str(resident_id) if resident_id else None


def scope_of(caller: Caller) -> Scope:
    """The caller's reach: at most one GetItem (a manager's or property owner's assignments)."""
    rule = _RULES.get(caller.role) if not caller.is_platform else None
    if rule is None:  # deny by default: super admins and any role not named above reach nothing here
        return Scope(community_id=caller.community_id, properties=frozenset(), can_write=False)
    if rule.community_wide:
        return Scope(community_id=caller.community_id, properties=None, can_write=rule.write)
    if rule.party_only:
        resident_id = _resident_of(caller)
        return Scope(community_id=caller.community_id, properties=frozenset(), can_write=False,
                     resident_id=resident_id or "", contact_details=False)
    property_ids = repository.assigned_properties(caller.community_id, caller.user_id)
    if not property_ids:
        return Scope(community_id=caller.community_id, properties=None if rule.unassigned_sees_all else frozenset(),
                     can_write=rule.write, contact_details=rule.contact_details)
    return Scope(community_id=caller.community_id, properties=frozenset(property_ids), can_write=rule.write,
                 contact_details=rule.contact_details)


def authorize(caller: Caller, property_id: str, *, write: bool = False, party_ids: Iterable[str] | None = None,
              scope: Scope | None = None) -> Scope:
    """The caller's scope if they may read (or `write`) this property's data; else 404 or 403.

    `party_ids` are given when the data is one tenancy's (a tenancy, its ledger): an owner or tenant
    reaches it when they are a party. Pass `scope` when the caller's scope was already read.
    """
    scope = scope or scope_of(caller)
    visible = scope.sees_tenancy(property_id, party_ids) if party_ids is not None else \
        scope.sees_property(property_id) and scope.resident_id is None
    if not visible:
        raise NotFound()
    if write and not scope.can_write:
        raise Forbidden()
    return scope


def require_community_wide(caller: Caller) -> Scope:
    """For what only an unscoped caller may do (e.g. create a property): 403 for a scoped one."""
    scope = scope_of(caller)
    if not scope.community_wide:
        raise Forbidden("Only a caller with access to the whole community can do this.")
    return scope
