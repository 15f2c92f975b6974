"""Identity storage (users, sessions, refresh tokens): PynamoDB items in, domain models out; storage errors
become domain ones. The community record itself is shared.community.repository."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from shared.community import repository as communities
from shared.community.models import Community
from shared.identity.items import RefreshTokenItem, SessionItem, UserEmailItem, UserItem
from shared.identity.models import RefreshRecord, Session, User
from shared.platform import clock, db, keys
from shared.platform.errors import Conflict
from shared.platform.mapping import to_item, to_model
from shared.spec.permissions import Role

_REFRESH_KEY = ("community_id", "token_hash")  # the item's key, not attributes


def _user(item: UserItem) -> User:
    return to_model(User, item)


def _session(item: SessionItem) -> Session:
    return to_model(Session, item)


def user_items(user: User) -> tuple[UserItem, UserEmailItem]:
    user_item = to_item(UserItem, user, keys.user(user.community_id, user.id))
    email_pk, email_sk = keys.user_email(user.community_id, user.email)
    return user_item, UserEmailItem(email_pk, email_sk, user_id=user.id)


def create_community(community: Community, admin: User) -> None:
    """Community, its slug, and its first user, all or nothing; `SlugTaken` if the slug is used."""
    user_item, email_item = user_items(admin)
    communities.create_community(community, also=(
        (email_item, UserEmailItem.pk.does_not_exist()),
        (user_item, UserItem.pk.does_not_exist()),
    ))


def create_user(user: User) -> None:
    """A user and its email claim; `Conflict` when the email is taken in that community."""
    user_item, email_item = user_items(user)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.save(email_item, condition=UserEmailItem.pk.does_not_exist())
            tx.save(user_item, condition=UserItem.pk.does_not_exist())
    except TransactWriteError as exc:
        raise Conflict("A user with this email already exists.") from exc


def get_user(community_id: str, user_id: str) -> User | None:
    db.bind()
    try:
        return _user(UserItem.get(*keys.user(community_id, user_id)))
    except DoesNotExist:
        return None


def user_by_email(community_id: str, email: str) -> User | None:
    db.bind()
    try:
        pointer = UserEmailItem.get(*keys.user_email(community_id, email))
    except DoesNotExist:
        return None
    return get_user(community_id, pointer.user_id)


def set_password_hash(user: User, password_hash: str) -> None:
    db.bind()
    item = UserItem(*keys.user(user.community_id, user.id))
    item.update(actions=[UserItem.password_hash.set(password_hash), UserItem.updated_at.set(clock.iso())])


def create_session(session: Session, refresh: RefreshRecord) -> None:
    session_item = to_item(SessionItem, session, keys.session(session.community_id, session.user_id, session.id),
                           ttl=session.expires_at)
    with TransactWrite(connection=db.connection()) as tx:
        tx.save(session_item, condition=SessionItem.pk.does_not_exist())
        tx.save(_refresh_item(refresh), condition=RefreshTokenItem.pk.does_not_exist())


def _refresh_item(refresh: RefreshRecord) -> RefreshTokenItem:
    return to_item(RefreshTokenItem, refresh, keys.refresh_token(refresh.community_id, refresh.token_hash),
                   exclude=_REFRESH_KEY, ttl=refresh.expires_at)


def get_session(community_id: str, user_id: str, session_id: str) -> Session | None:
    db.bind()
    try:
        return _session(SessionItem.get(*keys.session(community_id, user_id, session_id)))
    except DoesNotExist:
        return None


def find_session(community_id: str, session_id: str) -> Session | None:
    """A session of this community by id alone (the sort key embeds the user, so query by prefix)."""
    db.bind()
    pk = keys.community_pk(community_id)
    for item in SessionItem.query(pk, SessionItem.sk.startswith("SESSION#"),
                                  filter_condition=SessionItem.id == session_id):
        return _session(item)
    return None


def list_sessions(
    community_id: str, user_id: str, *, limit: int, after: dict[str, Any] | None
) -> tuple[list[Session], dict[str, Any] | None]:
    db.bind()
    pk, prefix = keys.sessions_of(community_id, user_id)
    now = clock.epoch()
    result = SessionItem.query(
        pk,
        SessionItem.sk.startswith(prefix),
        filter_condition=(SessionItem.status == "active") & (SessionItem.expires_at > now),
        limit=limit,
        last_evaluated_key=after,
        scan_index_forward=False,
    )
    items = [_session(i) for i in result]
    return items, result.last_evaluated_key


def get_refresh(community_id: str, token_hash: str) -> RefreshRecord | None:
    db.bind()
    try:
        item = RefreshTokenItem.get(*keys.refresh_token(community_id, token_hash))
    except DoesNotExist:
        return None
    return to_model(RefreshRecord, item, community_id=community_id, token_hash=token_hash)


def rotate_refresh(old: RefreshRecord, new: RefreshRecord, session: Session) -> bool:
    """Mark `old` used and store `new`, atomically; False when `old` was used meanwhile (a race)."""
    old_item = RefreshTokenItem(*keys.refresh_token(old.community_id, old.token_hash))
    session_item = SessionItem(*keys.session(session.community_id, session.user_id, session.id))
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.update(
                old_item,
                actions=[RefreshTokenItem.used.set(True)],
                condition=RefreshTokenItem.pk.exists() & (RefreshTokenItem.used == False),  # noqa: E712
            )
            tx.save(_refresh_item(new), condition=RefreshTokenItem.pk.does_not_exist())
            tx.update(
                session_item,
                actions=[
                    SessionItem.last_used_at.set(clock.iso()),
                    SessionItem.expires_at.set(new.expires_at),
                    SessionItem.ttl.set(new.expires_at),
                ],
                condition=SessionItem.status == "active",
            )
    except TransactWriteError:
        return False
    return True


def revoke_session(session: Session, reason: str) -> bool:
    """Revoke a session family; True when this call revoked it (False: already revoked/absent)."""
    db.bind()
    item = SessionItem(*keys.session(session.community_id, session.user_id, session.id))
    try:
        item.update(
            actions=[SessionItem.status.set("revoked"), SessionItem.revoked_reason.set(reason)],
            condition=SessionItem.status == "active",
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def touch_session(session: Session) -> None:
    db.bind()
    item = SessionItem(*keys.session(session.community_id, session.user_id, session.id))
    item.update(actions=[SessionItem.last_used_at.set(clock.iso())])


def list_users(community_id: str, *, limit: int, after: dict[str, Any] | None
               ) -> tuple[list[User], dict[str, Any] | None]:
    db.bind()
    result = UserItem.query(keys.community_pk(community_id), UserItem.sk.startswith(keys.USER_PREFIX),
                            limit=limit, last_evaluated_key=after)
    return [_user(i) for i in result], result.last_evaluated_key


def update_user(user: User, *, role: Role | None = None, status: str | None = None) -> User:
    db.bind()
    actions: list[Any] = [UserItem.updated_at.set(clock.iso())]
    if role is not None:
        actions.append(UserItem.role.set(str(role)))
    if status is not None:
        actions.append(UserItem.status.set(status))
    UserItem(*keys.user(user.community_id, user.id)).update(actions=actions, condition=UserItem.pk.exists())
    updated = get_user(user.community_id, user.id)
    assert updated is not None
    return updated


def record_failed_login(user: User, *, lock_after: int, lock_s: int) -> bool:
    """Count a wrong password; at `lock_after` in a row, lock the account. True when this call locked it."""
    db.bind()
    item = UserItem(*keys.user(user.community_id, user.id))
    item.update(actions=[UserItem.failed_logins.add(1)])
    if int(item.failed_logins or 0) < lock_after:
        return False
    try:
        item.update(
            actions=[UserItem.locked_until.set(clock.epoch() + lock_s), UserItem.failed_logins.set(0)],
            condition=UserItem.failed_logins >= lock_after,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False  # a concurrent failure locked it already
        raise
    return True


def clear_failed_logins(user: User) -> None:
    if user.failed_logins or user.locked_until:
        db.bind()
        UserItem(*keys.user(user.community_id, user.id)).update(
            actions=[UserItem.failed_logins.set(0), UserItem.locked_until.set(0)]
        )


def mark_email_verified(user: User) -> None:
    db.bind()
    UserItem(*keys.user(user.community_id, user.id)).update(
        actions=[UserItem.email_verified.set(True), UserItem.updated_at.set(clock.iso())],
        condition=UserItem.pk.exists(),
    )


def revoke_user_sessions(community_id: str, user_id: str, reason: str) -> int:
    """Revoke every active session of a user; how many were revoked."""
    db.bind()
    pk, prefix = keys.sessions_of(community_id, user_id)
    revoked = 0
    for item in SessionItem.query(pk, SessionItem.sk.startswith(prefix),
                                  filter_condition=SessionItem.status == "active"):
        if revoke_session(_session(item), reason):
            revoked += 1
    return revoked
