"""NoticeReminderQueue worker: one community's hour of notices (turn effective; mail due reminders once).

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's bound);
each reminder is claimed before it is mailed, so a retry never mails one twice.
"""

from __future__ import annotations

from functions.workers.parsed import worker
from shared.notices_service import job
from shared.platform.observability import logger


def _remind(message: job.CommunityMessage) -> None:
    community_id = message.community_id
    outcome = job.handle(community_id)
    logger.info("notice reminders", extra={"community_id": community_id, "sent": outcome.sent,
                                           "effective": outcome.effective, "night": outcome.skipped_night})


handler = worker(job.CommunityMessage, _remind, "notice reminder message")
