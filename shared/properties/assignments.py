"""Property assignments: which properties a manager or a property owner is limited to.

`PUT /v1/users/{id}/properties` (admins) writes them; `shared.properties.scope` reads them on every
property-ops request of those roles, and the authorizer marks such callers `scoped` (a scoped manager
is refused campaigns, see `shared.spec.permissions.UNSCOPED_ONLY`) within its cache bound.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.audit.events import AuditEvent, publish
from shared.identity.schemas import UserOut
from shared.platform import clock
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import FieldError, NotFound, ValidationFailed
from shared.properties import repository
from shared.properties.assigned import scopable

MAX_ASSIGNED = 200


class AssignmentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    property_ids: list[str] = Field(max_length=MAX_ASSIGNED)


class AssignmentsOut(BaseModel):
    user_id: str
    property_ids: list[str]


class UserDetail(UserOut):
    property_ids: list[str]  # the properties a manager or property owner is limited to (else empty)


def property_ids_of(community_id: str, user_id: str) -> list[str]:
    return sorted(repository.assigned_properties(community_id, user_id) or [])


def assign(caller: Caller, user_id: str, request: AssignmentsIn, meta: RequestMeta) -> AssignmentsOut:
    """Replace the user's assignments; an empty list lifts a manager's scope (and leaves a property
    owner with nothing). Only managers and property owners can be scoped; every id must be a
    property of the community."""
    from shared.identity import repository as identity_repository

    cid = caller.community_id
    user = identity_repository.get_user(cid, user_id)
    if user is None:
        raise NotFound("No such user.")
    if not scopable(user.role):
        raise ValidationFailed(details=[FieldError(
            "property_ids", f"only a manager or a property_owner can be assigned properties, not a {user.role}")])
    wanted = sorted(set(request.property_ids))
    found = repository.get_properties(cid, wanted)
    unknown = [pid for pid in wanted if pid not in found]
    if unknown:
        raise ValidationFailed(details=[FieldError("property_ids", f"no such property: {pid}") for pid in unknown])
    before = property_ids_of(cid, user_id)
    repository.put_assignments(cid, user_id, wanted, clock.iso())
    publish(AuditEvent(community_id=cid, action="user.properties_assigned", actor_id=caller.user_id, target=user_id,
                       ip=meta.ip, user_agent=meta.user_agent[:512],
                       detail={"before": before, "after": wanted}))
    return AssignmentsOut(user_id=user_id, property_ids=wanted)


def user_detail(caller: Caller, user_id: str) -> UserDetail:
    """One user of the community with the properties they are limited to (`GET /v1/users/{id}`)."""
    from shared.community import repository as communities
    from shared.identity import repository as identity_repository
    from shared.identity.service import user_out

    user = identity_repository.get_user(caller.community_id, user_id)
    if user is None:
        raise NotFound("No such user.")
    shown = user_out(user, communities.get_community(caller.community_id))
    return UserDetail(**shown.model_dump(), property_ids=property_ids_of(caller.community_id, user_id))
