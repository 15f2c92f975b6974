"""Creating the spec'd resources in the embedded AWS, from `shared.spec.resources` only.

Each step mirrors what the CDK constructs declare for the same spec: the table's keys, GSIs
and TTL; each queue with its DLQ and redrive policy; the bucket's CORS for the SPA; the
signing-key secret (made once, never overwritten, shaped as the stack's generated secret);
the Scheduler group; a verified SES domain to send mail from; each SNS topic with its queue's
(non-raw) SQS subscription; and the SES configuration set with its event destination, the
SesEvents topic, which `ses_simulator` reads to know where SES would publish; and the bucket's
ObjectCreated events sent to EventBridge, with one rule per upload consumer targeting its queue
(moto delivers S3 → EventBridge → SQS itself, so the queue pollers drive the workers as in AWS).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from infra.local.config import SES_DOMAIN, LocalConfig, LocalNames
from shared.spec.resources import (
    SES_CONFIGURATION_SET,
    SES_EVENTS_TOPIC,
    UPLOAD_ROOT,
    QueueSpec,
    Resources,
    TableSpec,
    TopicSpec,
    UploadConsumer,
)
from shared.uploads.notifications import event_pattern

log = logging.getLogger("infra.local.provision")


@dataclass(frozen=True)
class QueueInfo:
    spec: QueueSpec
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str


@dataclass(frozen=True)
class Provisioned:
    table: str
    secret_id: str
    bucket: str
    mfa_key_id: str
    schedule_group: str
    scheduler_role_arn: str
    queues: dict[str, QueueInfo] = field(default_factory=dict)  # by QueueSpec.logical_id
    topics: dict[str, str] = field(default_factory=dict)  # TopicSpec.logical_id -> topic ARN
    ses_configuration_set: str = ""

    @property
    def queue_urls(self) -> dict[str, str]:
        return {logical_id: info.url for logical_id, info in self.queues.items()}

    @property
    def queue_arns(self) -> dict[str, str]:
        return {logical_id: info.arn for logical_id, info in self.queues.items()}


def _create_table(dynamodb: Any, name: str, spec: TableSpec) -> None:
    keys = {spec.pk, spec.sk, *(i.pk for i in spec.indexes), *(i.sk for i in spec.indexes)}
    try:
        dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in sorted(keys)],
            KeySchema=[{"AttributeName": spec.pk, "KeyType": "HASH"}, {"AttributeName": spec.sk, "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": index.name,
                    "KeySchema": [{"AttributeName": index.pk, "KeyType": "HASH"},
                                  {"AttributeName": index.sk, "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in spec.indexes
            ],
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
    )


def _queue_arn(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def create_queue(sqs: Any, config: LocalConfig, spec: QueueSpec) -> QueueInfo:
    fifo = {"FifoQueue": "true"} if spec.fifo else {}
    dlq_url = sqs.create_queue(
        QueueName=config.names.dead_letter_queue(spec),
        Attributes={**fifo, "MessageRetentionPeriod": str(14 * 24 * 3600)},
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    url = sqs.create_queue(
        QueueName=config.names.queue(spec),
        Attributes={
            **fifo,
            "VisibilityTimeout": str(config.visibility_timeout(spec)),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count}),
        },
    )["QueueUrl"]
    return QueueInfo(spec, url, _queue_arn(sqs, url), dlq_url, dlq_arn)


def _create_bucket(s3: Any, name: str, config: LocalConfig, resources: Resources) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={
            "CORSRules": [{
                "AllowedOrigins": list(config.spa_origins),
                "AllowedMethods": list(resources.bucket.cors_methods),
                "AllowedHeaders": ["*"],
                "ExposeHeaders": ["ETag"],
                "MaxAgeSeconds": 3000,
            }]
        },
    )


def upload_rule_name(names: LocalNames, consumer: UploadConsumer) -> str:
    return names._name(f"{consumer.logical_id}Uploads")


def _route_uploads(s3: Any, events: Any, bucket: str, resources: Resources, queues: dict[str, QueueInfo],
                   names: LocalNames) -> list[str]:
    """The stack's upload routing (infra/storage.py, infra/uploads.py): EventBridge on, one rule per consumer."""
    pending_key, pending_value = resources.bucket.pending_tag
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "expire-unaccepted-uploads", "Status": "Enabled",
        "Filter": {"And": {"Prefix": f"{UPLOAD_ROOT}/", "Tags": [{"Key": pending_key, "Value": pending_value}]}},
        "Expiration": {"Days": resources.bucket.pending_expiry_days},
    }]})
    s3.put_bucket_notification_configuration(Bucket=bucket,
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    rules = []
    for consumer in resources.uploads:
        name = upload_rule_name(names, consumer)
        events.put_rule(Name=name, EventPattern=json.dumps(event_pattern(bucket, consumer)), State="ENABLED",
                        Description=f"New objects under {consumer.key_pattern} to the {consumer.queue} queue")
        events.put_targets(Rule=name, Targets=[{"Id": consumer.queue, "Arn": queues[consumer.queue].arn}])
        rules.append(name)
    return rules


def new_signing_key_document() -> dict[str, str]:
    """The secret's first value: one key, the shape of the stack's generated `{"kid", "secret"}`."""
    return {"kid": secrets.token_hex(8), "secret": secrets.token_urlsafe(48)}  # 64 url-safe characters


def _ensure_secret(secretsmanager: Any, name: str, description: str) -> bool:
    """Create the signing-key secret unless it exists; True if it was created."""
    try:
        secretsmanager.describe_secret(SecretId=name)
        return False
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    secretsmanager.create_secret(Name=name, Description=description,
                                 SecretString=json.dumps(new_signing_key_document()))
    return True


def _ensure_key(kms: Any, alias: str, description: str) -> str:
    """The MFA KMS key behind `alias`, created on first use; its key id."""
    try:
        return str(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "NotFoundException":
            raise
    key_id = str(kms.create_key(Description=description)["KeyMetadata"]["KeyId"])
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id


def _ensure_schedule_group(scheduler: Any, name: str) -> None:
    try:
        scheduler.create_schedule_group(Name=name)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("ConflictException", "ResourceConflictException"):
            raise


# The event types of the stack's destination (infra/notifications.py), as SES v1 names them.
SES_EVENT_TYPES: tuple[str, ...] = (
    "send", "delivery", "bounce", "complaint", "reject", "renderingFailure", "deliveryDelay", "open", "click",
)
SES_EVENT_DESTINATION = "ses-events"


def topic_name(names: LocalNames, spec: TopicSpec) -> str:
    """`<service>-<stage>-<logical-id>`, the naming rule of every other local resource."""
    return names._name(spec.logical_id)


def configuration_set_name(names: LocalNames) -> str:
    return f"{SES_CONFIGURATION_SET}-{names.stage}"


def create_topic(sns: Any, names: LocalNames, spec: TopicSpec, queue: QueueInfo) -> str:
    """The topic and its queue's subscription; not raw, so the worker gets the SNS envelope as in AWS."""
    arn = str(sns.create_topic(Name=topic_name(names, spec))["TopicArn"])
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue.arn, Attributes={"RawMessageDelivery": "false"})
    return arn


def _ensure_configuration_set(ses: Any, name: str, topic_arn: str) -> None:
    try:
        ses.create_configuration_set(ConfigurationSet={"Name": name})
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConfigurationSetAlreadyExists":
            raise
    try:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination={"Name": SES_EVENT_DESTINATION, "Enabled": True,
                              "MatchingEventTypes": list(SES_EVENT_TYPES), "SNSDestination": {"TopicARN": topic_arn}},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "EventDestinationAlreadyExists":
            raise


def provision(clients: Any, config: LocalConfig, *, before_routing: Callable[[], object] | None = None,
              ) -> Provisioned:
    """Create every spec'd resource (idempotently) and return their local names and URLs.

    `before_routing` runs once the bucket exists and before its uploads are routed to their
    consumers: what it puts in the bucket (the dev state's saved objects) raises no events."""
    resources, names = config.resources, config.names
    table = names.table(resources)
    _create_table(clients("dynamodb"), table, resources.table)
    queues = {spec.logical_id: create_queue(clients("sqs"), config, spec) for spec in resources.queues}
    bucket = names.bucket(resources)
    _create_bucket(clients("s3"), bucket, config, resources)
    if before_routing is not None:
        before_routing()
    upload_rules = _route_uploads(clients("s3"), clients("events"), bucket, resources, queues, names)
    secret_id = names.secret(resources)
    if _ensure_secret(clients("secretsmanager"), secret_id, resources.signing_key.description):
        log.info("signing key secret %s created", secret_id)
    mfa_key_id = _ensure_key(clients("kms"), names.key_alias(resources), resources.mfa_key.description)
    group = ""
    if resources.scheduler_group is not None:
        group = names.schedule_group(resources)
        _ensure_schedule_group(clients("scheduler"), group)
    topics = {spec.logical_id: create_topic(clients("sns"), names, spec, queues[spec.queue])
              for spec in resources.topics}
    clients("ses").verify_domain_identity(Domain=SES_DOMAIN)
    configuration_set = ""
    if SES_EVENTS_TOPIC.logical_id in topics:
        configuration_set = configuration_set_name(names)
        _ensure_configuration_set(clients("ses"), configuration_set, topics[SES_EVENTS_TOPIC.logical_id])
    log.info("resources ready: table %s, %d queue(s) with DLQs, %d topic(s), bucket %s, schedule group %s, "
             "SES domain %s, configuration set %s, upload rules %s", table, len(queues), len(topics), bucket,
             group or "-", SES_DOMAIN, configuration_set or "-", ", ".join(upload_rules) or "-")
    return Provisioned(table=table, secret_id=secret_id, bucket=bucket, mfa_key_id=mfa_key_id,
                       schedule_group=group,
                       scheduler_role_arn=names.scheduler_role_arn(), queues=queues, topics=topics,
                       ses_configuration_set=configuration_set)
