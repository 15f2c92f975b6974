"""The AccountMail worker's work: each queued request decides, by lookups, whether a mail goes out.

At-least-once: a request that mailed already is marked handled in the same transaction that stores
its link or reset token, so a redelivered queue message sends nothing twice. A malformed record is
logged and dropped; a failure for now (DynamoDB, SQS) is reported and retried, then dead-lettered.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from shared.platform.observability import logger
from shared.portal import recovery, signin
from shared.portal.mail_requests import AccountRequest


def handle(request: AccountRequest) -> str:
    if request.kind == "password_reset":
        return recovery.issue(request)
    return signin.issue(request)  # magic_link, portal_invite


def handle_record(record: SQSRecord) -> None:
    try:
        request = AccountRequest.model_validate_json(record.body)
    except ValidationError:
        logger.warning("account-mail request dropped: malformed", extra={"sqs_id": record.message_id})
        return
    outcome = handle(request)
    logger.info("account-mail request handled", extra={"kind": request.kind, "outcome": outcome,
                                                       "request_id": request.id})
