"""Storage items of identity: how communities, users and sessions sit in the single table."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from shared.platform.db import BaseItem


class CommunityItem(BaseItem, discriminator="community"):
    id = UnicodeAttribute()
    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    timezone = UnicodeAttribute(default="UTC")
    mfa_required_roles = ListAttribute(of=UnicodeAttribute, default=lambda: ["admin", "manager", "board"])
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    default_region = UnicodeAttribute(default="US")
    delinquency_threshold = UnicodeAttribute(default="0.00")


class SlugItem(BaseItem, discriminator="slug"):
    community_id = UnicodeAttribute()


class UserItem(BaseItem, discriminator="user"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    email = UnicodeAttribute()
    full_name = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    password_hash = UnicodeAttribute()
    email_verified = BooleanAttribute(default=False)
    mfa_enabled = BooleanAttribute(default=False)
    failed_logins = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class UserEmailItem(BaseItem, discriminator="user_email"):
    user_id = UnicodeAttribute()


class SessionItem(BaseItem, discriminator="session"):
    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | revoked
    revoked_reason = UnicodeAttribute(null=True)
    device = UnicodeAttribute(default="")
    ip = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    last_used_at = UnicodeAttribute()
    expires_at = NumberAttribute()


class RefreshTokenItem(BaseItem, discriminator="refresh_token"):
    session_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    used = BooleanAttribute(default=False)
    expires_at = NumberAttribute()
