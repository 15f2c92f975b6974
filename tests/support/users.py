"""Community members of any role, made directly through the identity repository (tests only).

Invitations are how members join for real; tests that need an owner or a tenant make the user
item the way the identity repository stores it and sign in through the API like anyone else.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.community import repository as communities
from shared.identity import passwords, repository, service
from shared.identity.models import User
from shared.platform import clock, ids
from shared.spec.permissions import Role

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "MEMBERSTOTPSECRETFORTESTSONLY234"  # members whose role requires MFA are enrolled with it


def member(community_id: str, role: Role, email: str | None = None) -> User:
    now = clock.iso()
    return User(id=ids.new_id(), community_id=community_id, email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.com",
                full_name=f"{str(role).title()} Member", role=role, status="active",
                password_hash=passwords.hash_password(PASSWORD), email_verified=True, mfa_enabled=False,
                created_at=now, updated_at=now)


def add_member(community_id: str, role: Role) -> User:
    """Store a member through the repository (in-process tests on moto), enrolled in MFA with
    `TOTP_SECRET` when the community's policy requires it for the role."""
    user = member(community_id, role)
    repository.create_user(user)
    community = communities.get_community(community_id)
    if user.requires_mfa(community):
        service.enroll_known_secret(user, TOTP_SECRET)
    return user


def member_items(user: User) -> list[dict[str, Any]]:
    """The DynamoDB items (attribute-value form) the repository writes for `user`, for another process's table."""
    return [item.serialize() for item in repository.user_items(user)]
