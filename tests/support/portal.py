"""Residents with portal users, made the way the first magic-link sign-in makes them (tests only)."""

from __future__ import annotations

import uuid

from shared.identity.models import User
from shared.platform import clock, ids
from shared.portal import repository as portal_repository
from shared.residents import repository as residents_repository
from shared.residents import service as residents
from shared.residents.models import Resident
from shared.residents.schemas import ResidentFields
from shared.spec.permissions import Role


def add_resident(community_id: str, role: str = "owner", email: str | None = None, first_name: str = "Rae",
                 unit: str | None = "101") -> Resident:
    """A resident record through the directory's own upsert."""
    address = email or f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    (result,) = residents.upsert_many(community_id, [ResidentFields.model_validate(
        {"first_name": first_name, "last_name": "Resident", "email": address, "role": role, "unit": unit})],
        source="test")
    assert result.ok and result.resident_id, result.errors
    found = residents_repository.get(community_id, result.resident_id)
    assert found is not None
    return found


def add_resident_user(community_id: str, role: Role, resident: Resident | None = None) -> User:
    """A resident record (unless given) and its portal user, linked by id."""
    resident = resident or add_resident(community_id, str(role))
    now = clock.iso()
    user = User(id=ids.new_id(), community_id=community_id, email=resident.email or "",
                full_name=f"{resident.first_name} {resident.last_name}", role=role, status="active",
                password_hash="", email_verified=True, mfa_enabled=False, created_at=now, updated_at=now,
                resident_id=resident.id)
    assert portal_repository.create_portal_user(user)
    return user
