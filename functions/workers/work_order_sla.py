"""WorkOrderSla worker: a community's message notes and mails the orders that went past their SLA.

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's
bound); noting is conditional and mail ids are derived, so a retry mails nobody twice.
"""

from __future__ import annotations

from functions.workers.parsed import worker
from shared.maintenance import sla_watch

handler = worker(sla_watch.CommunityMessage, lambda body: sla_watch.watch_community(body.community_id),
                 "SLA watch message")
