"""Upload routing: the assets bucket's ObjectCreated events → one EventBridge rule per consumer → its queue.

`shared.spec.resources.RESOURCES.uploads` lists the consumers; each rule matches the bucket and the
consumer's key pattern (`communities/*/<segment>/*`, an EventBridge `wildcard`) and targets the
consumer's WorkQueue, whose worker gets the queue's partial-batch retries, DLQ and alarm like any
other. Events EventBridge cannot deliver (after its retries) go to the same DLQ. The local runtime
creates the same rules in the embedded AWS (infra/local/provision.py), so uploads reach the workers
the same way there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.messaging import WorkQueue
from shared.spec.resources import UploadConsumer
from shared.uploads.notifications import event_pattern


class UploadRouting(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket: s3.IBucket,
        consumers: Sequence[UploadConsumer],
        queues: Mapping[str, WorkQueue],
    ) -> None:
        super().__init__(scope, construct_id)
        self.rules: dict[str, events.Rule] = {}
        for consumer in consumers:
            if consumer.queue not in queues:
                raise LookupError(f"upload consumer {consumer.logical_id!r} names an unknown queue {consumer.queue!r}")
            queue = queues[consumer.queue]
            pattern = event_pattern(bucket.bucket_name, consumer)
            rule = events.Rule(
                self,
                f"{consumer.logical_id}Rule",
                description=f"New objects under {consumer.key_pattern} to the {consumer.queue} queue",
                event_pattern=events.EventPattern(
                    source=pattern["source"],
                    detail_type=pattern["detail-type"],
                    detail=pattern["detail"],
                ),
            )
            rule.add_target(targets.SqsQueue(queue.queue, dead_letter_queue=queue.dlq,
                                             max_event_age=Duration.hours(24), retry_attempts=185))
            self.rules[consumer.logical_id] = rule
