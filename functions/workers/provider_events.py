"""ProviderEvents worker: SES notifications and SMS replies (SNS → SQS) applied to messages.

Each record is independent: one that can never apply (malformed, unknown type, not our mail) is
logged and dropped, and only a record that failed for now (DynamoDB, SNS) is reported in
`batchItemFailures`, to come back after the visibility timeout and, in the end, go to the DLQ.
Every action is safe to repeat: `events.record` moves a status only forward, a suppression is
put once, and the SMS confirmation is the last step of its record.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.messaging import events, provider, sms_routes
from shared.messaging.models import Channel
from shared.platform import aws
from shared.platform.masking import mask_phone
from shared.platform.observability import logger
from shared.suppression import repository as suppressions
from shared.suppression import service as suppression
from shared.suppression.models import Reason

# An all-failed batch is reported record by record like any other (not raised), so the local
# runtime and Lambda see the same partial response.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _lift_stop(community_id: str, phone: str) -> None:
    found = suppressions.get(community_id, Channel.SMS, suppression.normalise(Channel.SMS, phone))
    if found is not None and found.reason == Reason.STOP:
        suppression.remove(community_id, Channel.SMS, phone)


def _reply(reply: provider.Reply) -> None:
    attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
    if reply.origination:  # answer from the number they texted, not whichever the pool picks
        attributes["AWS.MM.SMS.OriginationNumber"] = {"DataType": "String", "StringValue": reply.origination}
    aws.client("sns").publish(PhoneNumber=reply.to, Message=reply.text, MessageAttributes=attributes)


def apply(action: provider.Action) -> None:
    if isinstance(action, provider.Record):
        events.record(action.event)
    elif isinstance(action, provider.Suppress):
        suppression.add(action.community_id, action.channel, action.address, action.reason, action.source)
    elif isinstance(action, provider.LiftStop):
        _lift_stop(action.community_id, action.phone)
    else:
        _reply(action)


def _actions(notification: provider.Notification) -> list[provider.Action]:
    if isinstance(notification, provider.SesNotification):
        return list(notification.actions)
    communities = sms_routes.recent_sms_communities(notification.phone) if notification.keyword else []
    logger.info("inbound SMS", extra={"from": mask_phone(notification.phone), "keyword": notification.keyword,
                                      "communities": len(communities)})
    return provider.sms_actions(notification, communities)


def _record(record: SQSRecord) -> None:
    try:
        notification = provider.parse(record.body)
    except provider.Ignored as ignored:
        logger.info("provider notification ignored", extra={"reason": str(ignored), "sqs_id": record.message_id})
        return
    except provider.Unusable as unusable:
        logger.warning("provider notification dropped", extra={"reason": str(unusable), "sqs_id": record.message_id})
        return
    for action in _actions(notification):
        apply(action)


@logger.inject_lambda_context(clear_state=True)  # no keys left over from an earlier invocation
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
