"""Storage of invitations and email-verification tokens (single-use, by token digest)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from shared.identity.items import (
    EmailVerificationItem,
    InvitationItem,
    InvitationTokenItem,
    UserEmailItem,
    UserItem,
)
from shared.identity.models import Invitation, User
from shared.identity.repository import user_items
from shared.platform import clock, db, keys
from shared.platform.errors import Conflict
from shared.platform.mapping import to_item, to_model


def _invitation(community_id: str, item: InvitationItem) -> Invitation:
    return to_model(Invitation, item, community_id=community_id)  # the community is the item's partition


def _token_item(community_id: str, token_hash: str, invitation_id: str, expires_at: int) -> InvitationTokenItem:
    pk, sk = keys.invitation_token(community_id, token_hash)
    return InvitationTokenItem(pk, sk, invitation_id=invitation_id, expires_at=expires_at, ttl=expires_at)


def create_invitation(invitation: Invitation) -> None:
    item = to_item(InvitationItem, invitation, keys.invitation(invitation.community_id, invitation.id),
                   exclude=("community_id",))
    with TransactWrite(connection=db.connection()) as tx:
        tx.save(item, condition=InvitationItem.pk.does_not_exist())
        tx.save(_token_item(invitation.community_id, invitation.token_hash, invitation.id, invitation.expires_at),
                condition=InvitationTokenItem.pk.does_not_exist())


def get_invitation(community_id: str, invitation_id: str) -> Invitation | None:
    db.bind()
    try:
        return _invitation(community_id, InvitationItem.get(*keys.invitation(community_id, invitation_id)))
    except DoesNotExist:
        return None


def invitation_by_token(community_id: str, token_hash: str) -> Invitation | None:
    db.bind()
    try:
        pointer = InvitationTokenItem.get(*keys.invitation_token(community_id, token_hash))
    except DoesNotExist:
        return None
    invitation = get_invitation(community_id, pointer.invitation_id)
    # Only the invitation's current token counts: a resend voids the previous one.
    if invitation is None or invitation.token_hash != token_hash:
        return None
    return invitation


def list_invitations(community_id: str, *, limit: int, after: dict[str, Any] | None
                     ) -> tuple[list[Invitation], dict[str, Any] | None]:
    db.bind()
    result = InvitationItem.query(keys.community_pk(community_id), InvitationItem.sk.startswith("INVITE#"),
                                  limit=limit, last_evaluated_key=after, scan_index_forward=False)
    return [_invitation(community_id, i) for i in result], result.last_evaluated_key


def rotate_token(invitation: Invitation, token_hash: str, expires_at: int) -> None:
    """A resend: the new token replaces the old one (old pointer deleted, invitation re-pointed)."""
    item = InvitationItem(*keys.invitation(invitation.community_id, invitation.id))
    old = InvitationTokenItem(*keys.invitation_token(invitation.community_id, invitation.token_hash))
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.update(item, actions=[InvitationItem.token_hash.set(token_hash),
                                     InvitationItem.expires_at.set(expires_at),
                                     InvitationItem.updated_at.set(clock.iso())],
                      condition=(InvitationItem.status == "pending")
                      & (InvitationItem.token_hash == invitation.token_hash))
            tx.delete(old)
            tx.save(_token_item(invitation.community_id, token_hash, invitation.id, expires_at),
                    condition=InvitationTokenItem.pk.does_not_exist())
    except TransactWriteError as exc:
        raise Conflict("The invitation changed meanwhile; reload it.") from exc


def revoke_invitation(invitation: Invitation) -> bool:
    db.bind()
    item = InvitationItem(*keys.invitation(invitation.community_id, invitation.id))
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.update(item, actions=[InvitationItem.status.set("revoked"), InvitationItem.updated_at.set(clock.iso())],
                      condition=InvitationItem.status == "pending")
            tx.delete(InvitationTokenItem(*keys.invitation_token(invitation.community_id, invitation.token_hash)))
    except TransactWriteError:
        return False
    return True


def accept(invitation: Invitation, user: User) -> None:
    """Consume the invitation and create its user, all or nothing.

    `Conflict` when the invitation was used or resent meanwhile, or the email already has a user.
    """
    item = InvitationItem(*keys.invitation(invitation.community_id, invitation.id))
    user_item, email_item = user_items(user)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.update(item, actions=[InvitationItem.status.set("accepted"),
                                     InvitationItem.updated_at.set(clock.iso())],
                      condition=(InvitationItem.status == "pending")
                      & (InvitationItem.token_hash == invitation.token_hash))
            tx.delete(InvitationTokenItem(*keys.invitation_token(invitation.community_id, invitation.token_hash)))
            tx.save(email_item, condition=UserEmailItem.pk.does_not_exist())
            tx.save(user_item, condition=UserItem.pk.does_not_exist())
    except TransactWriteError as exc:
        raise Conflict("This invitation can no longer be accepted.") from exc


def create_verification(user: User, token_hash: str, expires_at: int) -> None:
    db.bind()
    pk, sk = keys.email_verification(user.community_id, token_hash)
    EmailVerificationItem(pk, sk, user_id=user.id, email=user.email, expires_at=expires_at,
                          ttl=expires_at).save(condition=EmailVerificationItem.pk.does_not_exist())


def take_verification(community_id: str, token_hash: str) -> tuple[str, str] | None:
    """Consume a verification token: (user id, email) when it was live, else None. Single use."""
    db.bind()
    key = keys.email_verification(community_id, token_hash)
    try:
        item = EmailVerificationItem.get(*key)
    except DoesNotExist:
        return None
    if int(item.expires_at) <= clock.epoch():
        return None
    try:
        item.delete(condition=EmailVerificationItem.pk.exists())
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None  # a concurrent request took it
        raise
    return item.user_id, item.email
