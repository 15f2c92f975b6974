"""Portal and recovery storage: magic links and codes, portal users, password resets.

Every secret is stored as a SHA-256 digest and found by it; single use is a conditional delete,
so two concurrent uses of one link or token cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from shared.identity import repository as identity_repository
from shared.identity.items import UserItem
from shared.identity.models import User
from shared.platform import clock, db, keys
from shared.portal.items import (
    AccountRequestItem,
    MagicCodeItem,
    MagicLinkItem,
    PasswordResetItem,
    PortalUserItem,
)


@dataclass(frozen=True)
class MagicLink:
    community_id: str
    token_hash: str
    resident_id: str
    address_hash: str
    expires_at: int


@dataclass(frozen=True)
class MagicCode:
    community_id: str
    address_hash: str
    token_hash: str
    code_hash: str
    resident_id: str
    attempts: int
    expires_at: int


@dataclass(frozen=True)
class PasswordResetGrant:
    community_id: str
    token_hash: str
    user_id: str
    email: str
    expires_at: int


class AlreadyHandled(Exception):
    """This account-mail request was handled before (a redelivered queue message)."""


def _marker(community_id: str, request_id: str, kind: str) -> AccountRequestItem:
    pk, sk = keys.account_request(community_id, request_id)
    return AccountRequestItem(pk, sk, kind=kind, ttl=clock.epoch() + 7 * 24 * 3600)


def create_magic_link(link: MagicLink, code_hash: str, *, request_id: str, kind: str) -> None:
    """The link, its code (replacing any older code for the address) and the request's handled mark,
    all or nothing; `AlreadyHandled` when the mark exists."""
    link_pk, link_sk = keys.magic_link(link.community_id, link.token_hash)
    code_pk, code_sk = keys.magic_code(link.community_id, link.address_hash)
    link_item = MagicLinkItem(link_pk, link_sk, resident_id=link.resident_id, address_hash=link.address_hash,
                              expires_at=link.expires_at, ttl=link.expires_at)
    code_item = MagicCodeItem(code_pk, code_sk, token_hash=link.token_hash, code_hash=code_hash,
                              resident_id=link.resident_id, attempts=0, expires_at=link.expires_at,
                              ttl=link.expires_at)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.save(_marker(link.community_id, request_id, kind), condition=AccountRequestItem.pk.does_not_exist())
            tx.save(link_item, condition=MagicLinkItem.pk.does_not_exist())
            tx.save(code_item)
    except TransactWriteError as exc:
        raise AlreadyHandled(request_id) from exc


def take_magic_link(community_id: str, token_hash: str) -> MagicLink | None:
    """Consume a live link (and its code, when the code is still this link's); None when it is not live."""
    db.bind()
    try:
        item = MagicLinkItem.get(*keys.magic_link(community_id, token_hash), consistent_read=True)
    except DoesNotExist:
        return None
    try:
        item.delete(condition=MagicLinkItem.pk.exists())
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None  # a concurrent request took it
        raise
    _delete_code_of(community_id, str(item.address_hash), token_hash)
    if int(item.expires_at) <= clock.epoch():
        return None
    return MagicLink(community_id=community_id, token_hash=token_hash, resident_id=item.resident_id,
                     address_hash=item.address_hash, expires_at=int(item.expires_at))


def _delete_code_of(community_id: str, address_hash: str, token_hash: str) -> None:
    try:
        MagicCodeItem(*keys.magic_code(community_id, address_hash)).delete(
            condition=MagicCodeItem.token_hash == token_hash)
    except DeleteError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise  # a newer code for the address: it stays


def get_code(community_id: str, address_hash: str) -> MagicCode | None:
    db.bind()
    try:
        item = MagicCodeItem.get(*keys.magic_code(community_id, address_hash), consistent_read=True)
    except DoesNotExist:
        return None
    return MagicCode(community_id=community_id, address_hash=address_hash, token_hash=item.token_hash,
                     code_hash=item.code_hash, resident_id=item.resident_id, attempts=int(item.attempts),
                     expires_at=int(item.expires_at))


def count_code_attempt(code: MagicCode, *, max_attempts: int) -> int | None:
    """Count one try of the code before it is compared; the tries so far, or None when the code has
    had `max_attempts` already (or was used or replaced meanwhile)."""
    item = MagicCodeItem(*keys.magic_code(code.community_id, code.address_hash))
    try:
        item.update(actions=[MagicCodeItem.attempts.add(1)],
                    condition=(MagicCodeItem.token_hash == code.token_hash) & (MagicCodeItem.attempts < max_attempts))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return int(item.attempts)


def void_magic_link(code: MagicCode) -> None:
    """Too many wrong codes: the code and the link it belongs to are gone."""
    _delete_code_of(code.community_id, code.address_hash, code.token_hash)
    MagicLinkItem(*keys.magic_link(code.community_id, code.token_hash)).delete()


def take_by_code(code: MagicCode) -> MagicLink | None:
    """Consume the link through its (matching) code: both deleted, conditionally, all or nothing."""
    code_item = MagicCodeItem(*keys.magic_code(code.community_id, code.address_hash))
    link_item = MagicLinkItem(*keys.magic_link(code.community_id, code.token_hash))
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.delete(code_item, condition=MagicCodeItem.token_hash == code.token_hash)
            tx.delete(link_item, condition=MagicLinkItem.pk.exists())
    except TransactWriteError:
        return None
    return MagicLink(community_id=code.community_id, token_hash=code.token_hash, resident_id=code.resident_id,
                     address_hash=code.address_hash, expires_at=code.expires_at)


def portal_user(community_id: str, resident_id: str) -> User | None:
    db.bind()
    try:
        pointer = PortalUserItem.get(*keys.portal_user(community_id, resident_id), consistent_read=True)
    except DoesNotExist:
        return None
    return identity_repository.get_user(community_id, pointer.user_id)


def create_portal_user(user: User) -> bool:
    """The resident's portal user and the resident → user link, all or nothing; False when the
    resident has one already (a concurrent first sign-in won). Portal users claim no email: they
    never sign in with one, and the address stays free for staff accounts and for the resident's
    record to change."""
    assert user.resident_id is not None
    user_item, _ = identity_repository.user_items(user)
    pk, sk = keys.portal_user(user.community_id, user.resident_id)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.save(PortalUserItem(pk, sk, user_id=user.id), condition=PortalUserItem.pk.does_not_exist())
            tx.save(user_item, condition=UserItem.pk.does_not_exist())
    except TransactWriteError:
        return False
    return True


def create_password_reset(grant: PasswordResetGrant, *, request_id: str) -> None:
    pk, sk = keys.password_reset(grant.community_id, grant.token_hash)
    item = PasswordResetItem(pk, sk, user_id=grant.user_id, email=grant.email, expires_at=grant.expires_at,
                             ttl=grant.expires_at)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.save(_marker(grant.community_id, request_id, "password_reset"),
                    condition=AccountRequestItem.pk.does_not_exist())
            tx.save(item, condition=PasswordResetItem.pk.does_not_exist())
    except TransactWriteError as exc:
        raise AlreadyHandled(request_id) from exc


def get_password_reset(community_id: str, token_hash: str) -> PasswordResetGrant | None:
    """A live (unused, unexpired) reset, without using it."""
    db.bind()
    try:
        item = PasswordResetItem.get(*keys.password_reset(community_id, token_hash), consistent_read=True)
    except DoesNotExist:
        return None
    if int(item.expires_at) <= clock.epoch():
        return None
    return PasswordResetGrant(community_id=community_id, token_hash=token_hash, user_id=item.user_id,
                              email=item.email, expires_at=int(item.expires_at))


def take_password_reset(grant: PasswordResetGrant) -> bool:
    """Use the reset once: False when a concurrent request used it first."""
    try:
        PasswordResetItem(*keys.password_reset(grant.community_id, grant.token_hash)).delete(
            condition=PasswordResetItem.pk.exists())
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
