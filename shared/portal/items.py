"""Storage items of the portal and of account recovery: secrets are kept as digests only."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class MagicLinkItem(BaseItem, discriminator="magic_link"):
    """A pending magic link, keyed by its token's digest; the code item points back at it."""

    resident_id = UnicodeAttribute()
    address_hash = UnicodeAttribute()  # digest of the address it was mailed to (finds the code item)
    expires_at = NumberAttribute()


class MagicCodeItem(BaseItem, discriminator="magic_code"):
    """The 6-digit code of the newest magic link mailed to one address (keyed by the address digest)."""

    token_hash = UnicodeAttribute()  # the link this code belongs to: using either voids both
    code_hash = UnicodeAttribute()
    resident_id = UnicodeAttribute()
    attempts = NumberAttribute(default=0)  # wrong codes so far; the fifth voids the link
    expires_at = NumberAttribute()


class PortalUserItem(BaseItem, discriminator="portal_user"):
    """Resident id → their portal user: made by the first sign-in, conditional, so there is one."""

    user_id = UnicodeAttribute()


class PasswordResetItem(BaseItem, discriminator="password_reset"):
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()  # the address it was mailed to: a changed address voids it
    expires_at = NumberAttribute()


class AccountRequestItem(BaseItem, discriminator="account_request"):
    """An account-mail request already handled (its queue message may come again)."""

    kind = UnicodeAttribute()
    handled = BooleanAttribute(default=True)
