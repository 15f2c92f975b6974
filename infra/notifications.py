"""Provider notifications: SNS topics from `RESOURCES.topics` into their queues, and SES's side of it.

SES publishes every sending event of the configuration set `porchlight-{stage}` to the SesEvents
topic; two-way SMS (AWS End User Messaging SMS) publishes replies to the SmsInbound topic. Each
topic delivers to its queue through a non-raw SNS → SQS subscription, so the worker sees the SNS
envelope, gets the queue's partial-batch retries and DLQ, and no HTTP endpoint is exposed (which
is why no SNS signature is checked: see docs/provider-events.md).

The topics are not KMS-encrypted: SNS holds a notification only while delivering it, the queue it
lands in is encrypted (SSE-SQS), and SES and End User Messaging could only publish to a topic under
a customer-managed key with a key policy for each of them. TLS is enforced (AwsSolutions-SNS3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Aws, CfnOutput, Fn, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.config import StageConfig
from infra.messaging import WorkQueue
from shared.spec.resources import SES_CONFIGURATION_SET, SES_EVENTS_TOPIC, SMS_INBOUND_TOPIC, TopicSpec

# Every event SES can publish about a message we send, except OPEN and CLICK: turning those on makes
# SES rewrite links and add its own pixel, on top of our tracking (/v1/t/...), which already records
# first opens and clicks on marketing mail only. SUBSCRIPTION is for SES's own list management.
SES_EVENTS: tuple[ses.EmailSendingEvent, ...] = (
    ses.EmailSendingEvent.SEND,
    ses.EmailSendingEvent.DELIVERY,
    ses.EmailSendingEvent.BOUNCE,
    ses.EmailSendingEvent.COMPLAINT,
    ses.EmailSendingEvent.REJECT,
    ses.EmailSendingEvent.RENDERING_FAILURE,
    ses.EmailSendingEvent.DELIVERY_DELAY,
)


def configuration_set_name(stage: str) -> str:
    return f"{SES_CONFIGURATION_SET}-{stage}"


class Notifications(Construct):
    """The topics of `topics`, each subscribed by its queue; the SES configuration set and domain identity."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topics: Sequence[TopicSpec],
        queues: Mapping[str, WorkQueue],
        config: StageConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=configuration_set_name(config.stage),
            reputation_metrics=True,
        )
        # Its Ref, not the plain name: whatever sends with it is created after it.
        self.configuration_set_name = self.configuration_set.configuration_set_name
        self.configuration_set_arn = Stack.of(self).format_arn(
            service="ses", resource="configuration-set", resource_name=self.configuration_set_name
        )
        # Who may publish to each topic. SES's grant comes with the event destination (CDK scopes it to
        # this configuration set's ARN); End User Messaging's is ours, to the account (the phone
        # number or pool that will publish is set up outside the stack).
        publishers: dict[str, str | None] = {
            SES_EVENTS_TOPIC.logical_id: None,
            SMS_INBOUND_TOPIC.logical_id: "sms-voice.amazonaws.com",
        }
        self.topics: dict[str, sns.Topic] = {}
        for spec in topics:
            if spec.logical_id not in publishers:
                raise LookupError(f"infra.notifications has no publisher for topic {spec.logical_id!r}")
            if spec.queue not in queues:
                raise LookupError(f"topic {spec.logical_id!r} names an unknown queue {spec.queue!r}")
            self.topics[spec.logical_id] = self._topic(spec, queues[spec.queue], publishers[spec.logical_id])

        self.configuration_set.add_event_destination(
            "ToSesEvents",
            destination=ses.EventDestination.sns_topic(self.topics[SES_EVENTS_TOPIC.logical_id]),
            events=list(SES_EVENTS),
        )
        # Mail sent from the domain goes through the configuration set even when a sender forgets to name it.
        self.identity = ses.EmailIdentity(
            self,
            "MailDomain",
            identity=ses.Identity.domain(config.mail_domain),
            configuration_set=self.configuration_set,
        )
        self.identity.apply_removal_policy(config.removal_policy)  # its DKIM records live in DNS
        for index, (name, value) in enumerate(
            (
                (self.identity.dkim_dns_token_name1, self.identity.dkim_dns_token_value1),
                (self.identity.dkim_dns_token_name2, self.identity.dkim_dns_token_value2),
                (self.identity.dkim_dns_token_name3, self.identity.dkim_dns_token_value3),
            ),
            start=1,
        ):
            CfnOutput(
                self, f"DkimRecord{index}", value=Fn.join(" CNAME ", [name, value]),
                description=f"DKIM record {index} of {config.mail_domain}: publish it in DNS to verify the domain",
            )

    @property
    def identity_arn(self) -> str:
        return self.identity.email_identity_arn

    def _topic(self, spec: TopicSpec, queue: WorkQueue, publisher: str | None) -> sns.Topic:
        topic = sns.Topic(self, f"{spec.logical_id}Topic", display_name=spec.description[:100], enforce_ssl=True)
        if publisher is not None:
            topic.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"{spec.logical_id}Publisher",
                    principals=[iam.ServicePrincipal(publisher)],
                    actions=["sns:Publish"],
                    resources=[topic.topic_arn],
                    conditions={"StringEquals": {"AWS:SourceAccount": Aws.ACCOUNT_ID}},
                )
            )
        # Not raw: the worker reads the SNS envelope. Notifications SNS cannot deliver go to the
        # queue's DLQ, whose alarm already pages.
        topic.add_subscription(
            subscriptions.SqsSubscription(queue.queue, raw_message_delivery=False, dead_letter_queue=queue.dlq)
        )
        return topic
