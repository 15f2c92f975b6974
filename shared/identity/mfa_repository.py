"""Storage of MFA state: the sealed TOTP secret, backup-code digests, and login challenges.

Every "use once" rule is a conditional write, so two concurrent requests with the same code or
the same `mfa_token` cannot both win.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from shared.identity.items import MfaChallengeItem, UserItem
from shared.identity.models import MfaChallenge, User
from shared.platform import clock, db, keys
from shared.platform.mapping import to_item, to_model


def _lost_race(exc: UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def _user_item(user: User) -> UserItem:
    db.bind()
    return UserItem(*keys.user(user.community_id, user.id))


def set_pending(user: User, sealed: str) -> None:
    _user_item(user).update(
        actions=[UserItem.totp_pending.set(sealed), UserItem.updated_at.set(clock.iso())],
        condition=UserItem.pk.exists(),
    )


def activate(user: User, *, sealed: str, step: int, backup_hashes: set[str]) -> bool:
    """Make the pending secret the active one; False when the pending secret changed meanwhile."""
    try:
        _user_item(user).update(
            actions=[
                UserItem.totp_secret.set(sealed),
                UserItem.totp_pending.remove(),
                UserItem.totp_last_step.set(step),
                UserItem.backup_codes.set(backup_hashes),
                UserItem.mfa_enabled.set(True),
                UserItem.updated_at.set(clock.iso()),
            ],
            condition=UserItem.totp_pending == sealed,
        )
    except UpdateError as exc:
        if _lost_race(exc):
            return False
        raise
    return True


def use_step(user: User, step: int) -> bool:
    """Record `step` as used; False when it (or a later one) was used already: a replay."""
    try:
        _user_item(user).update(
            actions=[UserItem.totp_last_step.set(step)],
            condition=UserItem.totp_last_step < step,
        )
    except UpdateError as exc:
        if _lost_race(exc):
            return False
        raise
    return True


def use_backup_code(user: User, digest: str) -> bool:
    """Remove one backup code; False when it is not (or no longer) there."""
    try:
        _user_item(user).update(
            actions=[UserItem.backup_codes.delete({digest})],
            condition=UserItem.backup_codes.contains(digest),
        )
    except UpdateError as exc:
        if _lost_race(exc):
            return False
        raise
    return True


def replace_backup_codes(user: User, digests: set[str]) -> None:
    _user_item(user).update(actions=[UserItem.backup_codes.set(digests), UserItem.updated_at.set(clock.iso())])


def disable(user: User) -> None:
    _user_item(user).update(
        actions=[
            UserItem.totp_secret.remove(),
            UserItem.totp_pending.remove(),
            UserItem.backup_codes.remove(),
            UserItem.mfa_enabled.set(False),
            UserItem.updated_at.set(clock.iso()),
        ]
    )


_CHALLENGE_KEY = ("community_id", "token_hash")  # the item's key, not attributes


def create_challenge(challenge: MfaChallenge) -> None:
    db.bind()
    key = keys.mfa_challenge(challenge.community_id, challenge.token_hash)
    to_item(MfaChallengeItem, challenge, key, exclude=_CHALLENGE_KEY, attempts=0, used=False,
            ttl=challenge.expires_at).save(condition=MfaChallengeItem.pk.does_not_exist())


def get_challenge(community_id: str, token_hash: str) -> MfaChallenge | None:
    db.bind()
    try:
        item = MfaChallengeItem.get(*keys.mfa_challenge(community_id, token_hash))
    except DoesNotExist:
        return None
    return to_model(MfaChallenge, item, community_id=community_id, token_hash=token_hash)


def count_attempt(challenge: MfaChallenge, *, max_attempts: int) -> bool:
    """Spend one attempt of a live challenge; False when it is used up (or already used)."""
    db.bind()
    item = MfaChallengeItem(*keys.mfa_challenge(challenge.community_id, challenge.token_hash))
    try:
        item.update(
            actions=[MfaChallengeItem.attempts.add(1)],
            condition=(MfaChallengeItem.attempts < max_attempts) & (MfaChallengeItem.used == False),  # noqa: E712
        )
    except UpdateError as exc:
        if _lost_race(exc):
            return False
        raise
    return True


def finish_challenge(challenge: MfaChallenge) -> bool:
    """Mark the challenge used; False when another request finished it first."""
    db.bind()
    item = MfaChallengeItem(*keys.mfa_challenge(challenge.community_id, challenge.token_hash))
    try:
        item.update(actions=[MfaChallengeItem.used.set(True)],
                    condition=MfaChallengeItem.used == False)  # noqa: E712
    except UpdateError as exc:
        if _lost_race(exc):
            return False
        raise
    return True
