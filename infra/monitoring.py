"""Alarms on what the functions count (Powertools metrics, EMF), beside the queues' own DLQ alarms."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from shared.spec.resources import METRICS_NAMESPACE, SERVICE, TECHNICAL_FAILURE_METRIC


class MessageFailureAlarm(Construct):
    """Fires when any message ends `failed` for a technical reason (it could not be rendered or
    built, or its attempts or requeue rounds ran out; see `shared.messaging.failures`): each one
    is a community's mail not going out for a reason that is ours to fix, not the recipient's."""

    def __init__(self, scope: Construct, construct_id: str, *, alarm_topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        metric = cloudwatch.Metric(
            namespace=METRICS_NAMESPACE,
            metric_name=TECHNICAL_FAILURE_METRIC,
            dimensions_map={"service": SERVICE},  # the one dimension Powertools Metrics adds
            statistic=cloudwatch.Stats.SUM,
            period=Duration.minutes(5),
        )
        self.alarm = cloudwatch.Alarm(
            self,
            "Alarm",
            alarm_description="Messages failed for a technical reason (unrenderable, unbuildable, retries "
            "exhausted): the ERROR log lines name the community and message ids",
            metric=metric,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.alarm.add_alarm_action(cw_actions.SnsAction(alarm_topic))
