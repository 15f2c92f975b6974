"""ProviderEvents worker: SES notifications and SMS replies (SNS → SQS) applied to messages.

Each record is independent: one that can never apply (malformed, unknown type, not our mail) is
logged and dropped, and only a record that failed for now (DynamoDB, SNS) is reported in
`batchItemFailures`, to come back after the visibility timeout and, in the end, go to the DLQ.
Every action is safe to repeat: `events.record` moves a status only forward, a suppression is
put once, and the SMS confirmation is the last step of its record. Each notification is first kept
as it arrived in S3 (shared.messaging.raw_notifications), its key named in the event it records.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.messaging import events, provider, sms_routes
from shared.messaging import raw_notifications as raw
from shared.platform import aws, clock
from shared.platform.channels import Channel
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


def _kept(notification: provider.Notification, body: str, notification_id: str) -> provider.Notification:
    """Keep the raw notification in S3 (before acting on it) and name its key in the events it records."""
    if isinstance(notification, provider.InboundSms):
        raw.keep(raw.inbound_sms_key(clock.now().date(), notification_id), body)
        return notification
    actions: list[provider.Action] = []
    for action in notification.actions:
        if isinstance(action, provider.Record):
            event = action.event
            key = raw.keep(raw.message_key(event.community_id, event.message_id, str(event.kind), notification_id),
                           body)
            action = provider.Record(event.model_copy(update={"detail": {**event.detail, "raw": key}}))
        actions.append(action)
    return provider.SesNotification(event_type=notification.event_type, actions=tuple(actions))


def _record(record: SQSRecord) -> None:
    notification_id = raw.notification_id(record.body, record.message_id)
    try:
        notification = provider.parse(record.body)
    except (provider.Ignored, provider.Unusable) as unread:
        key = raw.keep(raw.unmatched_key(clock.now().date(), notification_id), record.body)
        ignored = isinstance(unread, provider.Ignored)
        (logger.info if ignored else logger.warning)(
            "provider notification ignored" if ignored else "provider notification dropped",
            extra={"reason": str(unread), "sqs_id": record.message_id, "raw": key},
        )
        return
    for action in _actions(_kept(notification, record.body, notification_id)):
        apply(action)


@logger.inject_lambda_context(clear_state=True)  # no keys left over from an earlier invocation
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
