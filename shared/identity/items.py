"""Storage items of identity: how users, sessions and invitations sit in the single table."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from shared.platform.db import BaseItem


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
    locked_until = NumberAttribute(default=0)
    totp_secret = UnicodeAttribute(null=True)  # KMS ciphertext (shared.identity.vault), never plaintext
    totp_pending = UnicodeAttribute(null=True)  # set up but not confirmed yet
    totp_last_step = NumberAttribute(default=0)  # last accepted time step: a code works once
    backup_codes = UnicodeSetAttribute(null=True)  # SHA-256 digests; each removed when used
    resident_id = UnicodeAttribute(null=True)  # a portal user's resident record (issue 12)
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


class MfaChallengeItem(BaseItem, discriminator="mfa_challenge"):
    """The state behind an `mfa_token`: whose login it continues and how many codes were tried."""

    user_id = UnicodeAttribute()
    device = UnicodeAttribute(default="")
    attempts = NumberAttribute(default=0)
    used = BooleanAttribute(default=False)
    expires_at = NumberAttribute()


class EmailVerificationItem(BaseItem, discriminator="email_verification"):
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    expires_at = NumberAttribute()


class InvitationItem(BaseItem, discriminator="invitation"):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    full_name = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="pending")  # pending | accepted | revoked
    token_hash = UnicodeAttribute()  # the current token; resend replaces it
    invited_by = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)
    expires_at = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class InvitationTokenItem(BaseItem, discriminator="invitation_token"):
    invitation_id = UnicodeAttribute()
    expires_at = NumberAttribute()
