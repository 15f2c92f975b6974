"""Which properties a user is assigned (`PROPSCOPE#{uid}`): the one read the authorizer makes for them.

Kept apart from the repository so the authorizer, which runs before every request, imports only this
item class and not the property-ops models.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from shared.platform import db, keys
from shared.properties.items import PropertyScopeItem
from shared.spec.permissions import Role

# The roles PUT /v1/users/{id}/properties applies to (shared.properties.scope checks it agrees).
ASSIGNABLE_ROLES: frozenset[Role] = frozenset({Role.MANAGER, Role.PROPERTY_OWNER})


def assigned_properties(community_id: str, user_id: str) -> list[str] | None:
    """The user's assigned property ids; None when they never had any (an empty list after a reset)."""
    db.bind()
    try:
        item = PropertyScopeItem.get(*keys.property_scope(community_id, user_id))
    except DoesNotExist:
        return None
    return [str(p) for p in item.property_ids or []]


def scopable(role: Role | str) -> bool:
    return role in ASSIGNABLE_ROLES


def is_scoped(community_id: str, user_id: str) -> bool:
    """True when the user has at least one assigned property (one GetItem)."""
    return bool(assigned_properties(community_id, user_id))
