"""AccountMail worker: magic-link, portal-invitation and password-reset requests → maybe a mail.

The public endpoints only queue requests (no lookups, so no enumeration); here each is resolved and,
when it names someone who may have one, a link is stored (as a digest) and mailed via the outbox.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.platform.observability import logger
from shared.portal.worker import handle_record

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor,
                                    context=context)
