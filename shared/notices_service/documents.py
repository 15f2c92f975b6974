"""The notice's PDF: `shared.notices.document.render` filled from the notice, tenancy, unit, property and
community. Staff and (once served) the tenants who reach the notice may download it."""

from __future__ import annotations

from typing import Any

from shared.notices.document import NoticeDocument, render
from shared.notices.models import Arrears, N1Details, NoticeType, Service
from shared.notices_service import service
from shared.notices_service.models import Notice
from shared.platform.context import Caller
from shared.properties import days
from shared.properties import repository as properties


def _arrears(details: dict[str, Any]) -> Arrears:
    periods = [{"from_on": p["from"], "to_on": p["to"], "charged": p["charged"], "paid": p["paid"],
                "owing": p["owing"]} for p in details.get("periods", [])]
    return Arrears.model_validate({"periods": periods, "total": details.get("total", "0.00")})


def _served_by(notice: Notice) -> str:
    from shared.identity import repository as identity  # a name for the certificate of service

    user = identity.get_user(notice.community_id, notice.served_by or "")
    return user.full_name if user is not None and user.full_name else "the landlord's agent"


def document(notice: Notice) -> NoticeDocument:
    from shared.community import repository as communities

    tenancy = service.tenancy_of(notice)
    community = communities.get_community(notice.community_id)
    prop = properties.get_property(notice.community_id, notice.property_id)
    unit = properties.get_unit(notice.community_id, notice.unit_id)
    address = ", ".join(x for x in ((prop.name, prop.address.line1, prop.address.line2, prop.address.city,
                                     prop.address.province, prop.address.postal_code) if prop else ()) if x)
    details = notice.details
    service_of = None
    if notice.served_on and notice.service_method and notice.deemed_served_on:
        service_of = Service(method=notice.service_method, served_on=notice.served_on,
                             deemed_served_on=notice.deemed_served_on, served_by=_served_by(notice))
    return NoticeDocument(
        notice_id=notice.id, type=notice.type, landlord=community.name if community else notice.community_id,
        property_address=address or notice.property_id, unit_label=unit.label if unit else notice.unit_id,
        tenancy=service.snapshot(notice.type, tenancy, details), effective_on=notice.effective_on,
        prepared_on=days.community_today(notice.community_id),
        n1=N1Details.model_validate(details) if notice.type == NoticeType.N1 else None,
        arrears=_arrears(details) if notice.type == NoticeType.N4 else None,
        landlord_signed_on=service.signed_on(details, "landlord_signed_on") if notice.type == NoticeType.N11
        else None,
        checks=notice.checks, service=service_of)


def pdf(caller: Caller, notice_id: str) -> bytes:
    """The notice's particulars and, once served, its certificate of service (404 outside the caller's scope)."""
    return render(document(service.require_notice(caller, notice_id)))
