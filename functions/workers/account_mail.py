"""AccountMail worker: magic-link, portal-invitation and password-reset requests → maybe a mail.

The public endpoints only queue requests (no lookups, so no enumeration); here each is resolved and,
when it names someone who may have one, a link is stored (as a digest) and mailed via the outbox.
Records are typed (`AccountRequest`); a malformed one is logged and dropped (`functions.workers.parsed`).
"""

from __future__ import annotations

from functions.workers.parsed import worker
from shared.platform.observability import logger
from shared.portal.mail_requests import AccountRequest
from shared.portal.worker import handle


def _request(request: AccountRequest) -> None:
    outcome = handle(request)
    logger.info("account-mail request handled", extra={"kind": request.kind, "outcome": outcome,
                                                       "request_id": request.id})


handler = worker(AccountRequest, _request, "account-mail request")
