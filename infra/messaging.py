"""Queues from `RESOURCES.queues`: each with its DLQ, the DLQ alarm and the worker that drains it."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import StageConfig
from infra.function import FunctionDefaults, PorchlightFunction
from shared.spec.resources import QueueSpec

DLQ_RETENTION = Duration.days(14)  # the maximum: time to notice the alarm and redrive

class AlarmTopic(Construct):
    """Where operational alarms go; subscribe email/chat to it per account."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # Not KMS-encrypted: it carries alarm state changes only, and CloudWatch cannot publish to a
        # topic under the AWS-managed SNS key. TLS is enforced for publishers and subscribers.
        self.topic = sns.Topic(self, "Topic", display_name="Porchlight alarms", enforce_ssl=True)


class WorkQueue(Construct):
    """One QueueSpec: queue -> worker, with failed messages dead-lettered and alarmed on."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: QueueSpec,
        config: StageConfig,
        alarm_topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        fifo = spec.fifo or None
        self.dlq = sqs.Queue(
            self,
            "Dlq",
            fifo=fifo,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
            removal_policy=config.removal_policy,
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            fifo=fifo,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq, max_receive_count=spec.max_receive_count),
            removal_policy=config.removal_policy,
        )
        self.dlq_alarm = cloudwatch.Alarm(
            self,
            "DlqAlarm",
            alarm_description=f"{spec.logical_id} messages were dead-lettered after {spec.max_receive_count} attempts",
            metric=self.dlq.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.dlq_alarm.add_alarm_action(cw_actions.SnsAction(alarm_topic))

    def add_worker(self, defaults: FunctionDefaults) -> PorchlightFunction:
        """The worker needs the function defaults, which need every queue's URL: so it comes second."""
        spec = self.spec
        batching_window = Duration.seconds(spec.max_batching_window_s)  # 0: a record is handed over at once
        worker = PorchlightFunction(
            self,
            "Worker",
            defaults=defaults,
            module=spec.worker,
            description=f"Drains the {spec.logical_id} queue",
            grants=spec.grants,
            timeout=Duration.seconds(spec.worker_timeout_s),
            memory_mb=spec.memory_mb,
        )
        worker.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue,
                batch_size=spec.batch_size,
                max_batching_window=batching_window,
                max_concurrency=spec.max_concurrency,
                report_batch_item_failures=True,
            )
        )
        return worker
