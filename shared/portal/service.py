"""Portal use cases behind authenticated routes: staff invite a resident, a resident user's `/v1/me`."""

from __future__ import annotations

from shared.identity import residency
from shared.identity import service as identity
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import Conflict, FieldError, NotFound, ValidationFailed
from shared.portal import mail_requests, signin
from shared.portal.schemas import Accepted, PortalMe, ResidentRef
from shared.portal.tenancies import tenancies_of
from shared.residents import repository as residents


def invite(caller: Caller, resident_id: str, meta: RequestMeta) -> Accepted:
    """Mail a resident the same sign-in link and code they could ask for themselves (202)."""
    resident = residents.get(caller.community_id, resident_id)
    if resident is None:
        raise NotFound("No such resident.")
    reason = signin.refusal(caller.community_id, resident)
    if reason == "unknown_address":
        raise ValidationFailed(details=[FieldError("resident", "the resident has no email address")])
    if reason == "not_a_portal_role":
        raise ValidationFailed(details=[FieldError("resident", "only owners and tenants sign in to the portal")])
    if reason == "staff_address":
        raise Conflict("This address is a staff account's; staff sign in with a password and MFA.")
    if reason is not None:
        raise Conflict("This resident's portal access is suspended.")
    mail_requests.portal_invite(caller.community_id, resident.id, caller.user_id, meta)
    return Accepted()


def me(caller: Caller) -> PortalMe:
    """Identity's `/v1/me`, plus the resident record and tenancies of a resident user."""
    answer = PortalMe(**identity.me(caller).model_dump())
    resident_id = residency.resident_of(caller)
    if resident_id is None:
        return answer
    resident = residents.get(caller.community_id, resident_id)
    if resident is None:  # the record was deleted: the user keeps an account with nothing to show
        return answer.model_copy(update={"tenancies": []})
    return answer.model_copy(update={
        "resident": ResidentRef(id=resident.id, first_name=resident.first_name, last_name=resident.last_name,
                                unit=resident.unit),
        "tenancies": tenancies_of(caller.community_id, resident.id),
    })
