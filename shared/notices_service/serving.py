"""Serving a notice, and by email its mail: the PDF (`documents`) attached, the message `related` to the notice.

RTA s.191 and LTB Rule 3 allow email service only with the tenant's consent (checked by `service.serve`);
then each tenant of the tenancy with an email address gets the notice as a PDF attachment through the
priority lane of the outbox (transactional: marketing opt-outs do not apply, suppressions do).
"""

from __future__ import annotations

from shared.messaging import attachments, system
from shared.messaging.system import SystemMail
from shared.notices.document import render
from shared.notices.models import ServiceMethod
from shared.notices_service import service
from shared.notices_service.documents import document
from shared.notices_service.models import Notice
from shared.notices_service.schemas import NoticeOut, ServeIn
from shared.platform.context import Caller, RequestMeta
from shared.residents import repository as residents

SERVED = SystemMail(
    kind="notice_served",
    subject="Notice {{ notice_type }} from {{ landlord }}",
    html=(
        "<p>{{ landlord }} serves you the attached notice ({{ notice_type }}) by email, as you agreed to.</p>"
        "<p>Served on {{ served_on }}; deemed served on {{ deemed_served_on }}.</p>"
        "<p>The notice is attached as a PDF. You can also read it in your resident portal.</p>"
    ),
    text="{{ landlord }} serves you the attached notice ({{ notice_type }}) by email, as you agreed to.\n\n"
         "Served on {{ served_on }}; deemed served on {{ deemed_served_on }}.\n\n"
         "The notice is attached as a PDF. You can also read it in your resident portal.\n",
)
PDF = "application/pdf"


def serve(caller: Caller, notice_id: str, request: ServeIn, meta: RequestMeta | None) -> NoticeOut:
    """`service.serve`, then, when served by email, the notice mailed to its tenants with its PDF."""
    served = service.serve(caller, notice_id, request, meta)
    if request.service_method == ServiceMethod.EMAIL:
        mail_served(service.require_notice(caller, notice_id))
    return served


def mail_served(notice: Notice) -> list[str]:
    """Queue one mail per tenant with an email address, the notice's PDF attached; the message ids."""
    tenancy = service.tenancy_of(notice)
    tenants = residents.get_many(notice.community_id, tenancy.resident_ids)
    if not any(t.email for t in tenants.values()):
        return []
    paper = document(notice)
    attachment = attachments.store(notice.community_id, f"notice-{notice.id}", f"{notice.type}-{notice.id}.pdf",
                                   PDF, render(paper))
    variables: dict[str, object] = {
        "landlord": paper.landlord, "notice_type": str(notice.type),
        "served_on": notice.served_on.isoformat() if notice.served_on else "",
        "deemed_served_on": notice.deemed_served_on.isoformat() if notice.deemed_served_on else ""}
    return [system.send(notice.community_id, tenant.email, SERVED, variables, attachments=(attachment,),
                        related=f"notice:{notice.id}", resident_id=tenant.id)
            for tenant in tenants.values() if tenant.email]
