"""A community's people: invitations (7-day, single-use tokens by mail), the users list, role and status.

Suspending a user or changing their role revokes every session they have: refresh fails at once,
and an access token stops working within the authorizer's cache bound (AUTHORIZER_CACHE_TTL_S).
"""

from __future__ import annotations

from datetime import UTC, datetime

from shared.community import repository as communities
from shared.identity import invitation_repository, passwords, repository, tokens
from shared.identity.mail import AccountMailer
from shared.identity.models import Invitation, User
from shared.identity.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationList,
    InvitationOut,
    UserList,
    UserOut,
    UserPatch,
)
from shared.identity.service import Issued, audit, scope_for, start_session, user_out
from shared.onboarding import hooks as onboarding_hooks
from shared.platform import clock, cursor, ids, ratelimit
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, NotFound, TokenInvalid
from shared.platform.masking import mask_email
from shared.spec.permissions import Role

INVITATION_TTL_S = 7 * 24 * 3600


def invitation_out(invitation: Invitation) -> InvitationOut:
    status = invitation.status
    if status == "pending" and invitation.expires_at <= clock.epoch():
        status = "expired"
    return InvitationOut(
        id=invitation.id, email=invitation.email, role=invitation.role, full_name=invitation.full_name,
        status=status, expires_at=clock.iso(datetime.fromtimestamp(invitation.expires_at, UTC)),
        created_at=invitation.created_at,
    )


def _pending_for(community_id: str, email: str) -> Invitation | None:
    after = None
    while True:
        items, after = invitation_repository.list_invitations(community_id, limit=100, after=after)
        for invitation in items:
            if invitation.email == email and invitation.status == "pending" \
                    and invitation.expires_at > clock.epoch():
                return invitation
        if after is None:
            return None


def _mail(invitation: Invitation, token: str, inviter: User | None, mailer: AccountMailer) -> None:
    community = communities.get_community(invitation.community_id)
    mailer.send_invitation(
        invitation.community_id, invitation.email, token=token, full_name=invitation.full_name,
        community_name=community.name if community else "", inviter=inviter.full_name if inviter else "An admin",
        role=str(invitation.role),
    )


def invite(caller: Caller, request: InvitationCreate, meta: RequestMeta, *,
           mailer: AccountMailer) -> InvitationOut:
    community_id = caller.community_id
    if repository.user_by_email(community_id, request.email) is not None:
        raise Conflict("This person already has an account in the community.")
    if _pending_for(community_id, request.email) is not None:
        raise Conflict("This person is already invited; resend the invitation instead.")
    token = tokens.new_opaque(community_id)
    now = clock.iso()
    invitation = Invitation(
        id=ids.new_id(), community_id=community_id, email=request.email, role=request.role,
        full_name=request.full_name, status="pending", token_hash=tokens.opaque_hash(token),
        invited_by=caller.user_id, expires_at=clock.epoch() + INVITATION_TTL_S, created_at=now, updated_at=now,
    )
    invitation_repository.create_invitation(invitation)
    _mail(invitation, token, repository.get_user(community_id, caller.user_id), mailer)
    audit("user.invited", community_id, meta, actor=caller.user_id, target=invitation.id,
          email=mask_email(invitation.email), role=str(invitation.role))
    if invitation.role == Role.BOARD:
        onboarding_hooks.board_member_invited(community_id)
    return invitation_out(invitation)


def resend(caller: Caller, invitation_id: str, meta: RequestMeta, *, mailer: AccountMailer) -> InvitationOut:
    """A new token and a new 7 days; the previous token stops working."""
    invitation = invitation_repository.get_invitation(caller.community_id, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    if invitation.status != "pending":
        raise Conflict(f"The invitation is {invitation.status}.")
    token = tokens.new_opaque(caller.community_id)
    expires_at = clock.epoch() + INVITATION_TTL_S
    invitation_repository.rotate_token(invitation, tokens.opaque_hash(token), expires_at)
    renewed = invitation.model_copy(update={"token_hash": tokens.opaque_hash(token), "expires_at": expires_at})
    _mail(renewed, token, repository.get_user(caller.community_id, caller.user_id), mailer)
    audit("user.invitation_resent", caller.community_id, meta, actor=caller.user_id, target=invitation.id,
          email=mask_email(invitation.email))
    return invitation_out(renewed)


def revoke(caller: Caller, invitation_id: str, meta: RequestMeta) -> None:
    invitation = invitation_repository.get_invitation(caller.community_id, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    if not invitation_repository.revoke_invitation(invitation):
        raise Conflict(f"The invitation is {invitation.status}.")
    audit("user.invitation_revoked", caller.community_id, meta, actor=caller.user_id, target=invitation.id)


def invitations(caller: Caller, *, limit: int, after: str | None) -> InvitationList:
    items, last = invitation_repository.list_invitations(
        caller.community_id, limit=limit, after=cursor.decode(caller.community_id, after)
    )
    return InvitationList(items=[invitation_out(i) for i in items],
                          next_cursor=cursor.encode(caller.community_id, last))


def accept(request: InvitationAccept, meta: RequestMeta) -> Issued:
    """Create the invited user (their email is verified: the token came by mail) and sign them in."""
    ratelimit.hit(ratelimit.INVITE_ACCEPT_PER_IP, meta.ip)
    community_id = tokens.opaque_community(request.token)
    invitation = invitation_repository.invitation_by_token(community_id, tokens.opaque_hash(request.token))
    if invitation is None or invitation.status != "pending" or invitation.expires_at <= clock.epoch():
        raise TokenInvalid("This invitation is invalid, used or expired.")
    community = communities.get_community(community_id)
    if community is None:
        raise TokenInvalid("This invitation is invalid, used or expired.")
    now = clock.iso()
    user = User(
        id=ids.new_id(), community_id=community_id, email=invitation.email, full_name=request.full_name,
        role=invitation.role, status="active", password_hash=passwords.hash_password(request.password),
        email_verified=True, mfa_enabled=False, created_at=now, updated_at=now,
    )
    invitation_repository.accept(invitation, user)
    audit("user.invitation_accepted", community_id, meta, actor=user.id, target=invitation.id,
          role=str(user.role))
    issued = start_session(user, community, meta)
    audit("auth.login.succeeded", community_id, meta, actor=user.id, session_id=issued.session.id,
          scope=scope_for(user, community), via="invitation")
    return issued


def users(caller: Caller, *, limit: int, after: str | None) -> UserList:
    community = communities.get_community(caller.community_id)
    items, last = repository.list_users(caller.community_id, limit=limit,
                                        after=cursor.decode(caller.community_id, after))
    return UserList(items=[user_out(u, community) for u in items],
                    next_cursor=cursor.encode(caller.community_id, last))


def _active_admins(community_id: str) -> int:
    count, after = 0, None
    while True:
        items, after = repository.list_users(community_id, limit=100, after=after)
        count += sum(1 for u in items if u.role == Role.ADMIN and u.status == "active")
        if after is None:
            return count


def patch_user(caller: Caller, user_id: str, request: UserPatch, meta: RequestMeta) -> UserOut:
    user = repository.get_user(caller.community_id, user_id)
    if user is None:
        raise NotFound("No such user.")
    role = request.role if request.role is not None and request.role != user.role else None
    status = request.status if request.status is not None and request.status != user.status else None
    if role is None and status is None:
        return user_out(user, communities.get_community(caller.community_id))
    if user.id == caller.user_id:
        raise Conflict("You cannot change your own role or status; ask another admin.")
    losing_admin = user.role == Role.ADMIN and user.status == "active" and (
        (role is not None and role != Role.ADMIN) or status == "suspended")
    if losing_admin and _active_admins(caller.community_id) <= 1:
        raise Conflict("A community needs at least one active admin.")
    updated = repository.update_user(user, role=role, status=status)
    # A role or status change ends every session: the old tokens carry the old role.
    revoked = repository.revoke_user_sessions(user.community_id, user.id, "role or status changed")
    if role is not None:
        audit("user.role_changed", caller.community_id, meta, actor=caller.user_id, target=user.id,
              before={"role": str(user.role)}, after={"role": str(role)}, sessions_revoked=revoked)
    if status is not None:
        action = "user.suspended" if status == "suspended" else "user.reactivated"
        audit(action, caller.community_id, meta, actor=caller.user_id, target=user.id,
              before={"status": user.status}, after={"status": status}, sessions_revoked=revoked)
    return user_out(updated, communities.get_community(caller.community_id))
