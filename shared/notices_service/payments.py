"""N4 voided by payment (RTA s.59(3)): driven by the `LedgerEvents` queue, never by a scan.

When a payment (or a credit, or a reversed charge) brings the tenancy's arrears to 0.00, every N4 of that
tenancy that is served or effective (not completed) turns `void` with `void_reason: "paid"`, its pending
reminders are cancelled and its creator is told by mail, once. Idempotent: a redelivered event finds the
notice void already; the change is conditional on the notice's version as read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.notices.models import NoticeType
from shared.notices_service import repository, service
from shared.notices_service.models import OPEN, Notice, NoticeStatus
from shared.platform import clock
from shared.platform.observability import logger
from shared.properties import days
from shared.properties import repository as properties

PAID = "paid"


RESEND_WITHIN = timedelta(days=1)  # SQS redelivers a failed ledger event within hours, then dead-letters it


def n4s_of(community_id: str, property_id: str, tenancy_id: str) -> list[Notice]:
    found: list[Notice] = []
    after = None
    while True:
        items, after = repository.page(community_id, property_id=property_id, limit=100, after=after,
                                       notice_type=NoticeType.N4, tenancy_id=tenancy_id)
        found += items
        if after is None:
            return found


def _voided_by_payment_lately(notice: Notice) -> bool:
    if notice.status != NoticeStatus.VOID or not notice.voided_by_payment:  # a manual void may say "paid" too
        return False
    at = datetime.fromisoformat(notice.updated_at.replace("Z", "+00:00"))
    return clock.now() - at <= RESEND_WITHIN


def on_posted(community_id: str, tenancy_id: str) -> list[str]:
    """Void the tenancy's open N4s if its arrears are 0.00 now; the ids voided.

    The creator's mail is sent after the void's transaction; if the worker dies between the two, the event
    comes back and finds the notice void already: every N4 voided by payment lately is mailed again, which
    records nothing new when its mail was recorded (the id is derived from the notice)."""
    from shared.notices_service import mail

    tenancy = properties.get_tenancy(community_id, tenancy_id)
    if tenancy is None:
        return []
    notices = n4s_of(community_id, tenancy.property_id, tenancy_id)
    for notice in notices:
        if _voided_by_payment_lately(notice):
            mail.send_paid(notice)
    if tenancy.arrears_on(days.community_today(community_id)) > 0:
        return []
    voided: list[str] = []
    for notice in (n for n in notices if n.status in OPEN):
        try:
            closed = service.close(notice, NoticeStatus.VOID, void_reason=PAID, by_payment=True)
        except repository.Stale:  # changed meanwhile (completed, voided): the next event sees it as it is
            logger.info("notice changed while voiding by payment", extra={"notice_id": notice.id})
            continue
        voided.append(notice.id)
        mail.send_paid(closed)
    return voided
