"""What each `Grant` of the spec means in IAM: one table, so a new grant is one entry here.

Every function gets its own role holding only the statements its grants map to (plus writing to its
own log group and X-Ray, which `infra/function.py` adds). Statements name the table, each of its
indexes, the secret, the queues, the SES identity and configuration set by ARN. The one exception
is SMS: a phone number has no ARN, so `sns:Publish` is allowed on `*` and denied on every SNS ARN
(topics, platform endpoints), which leaves exactly "publish to a phone number"; `acknowledge_wildcards`
states that to cdk-nag on the functions that hold the grant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Aws, CfnResource, Names, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import IConstruct

from infra.nag import acknowledge
from shared.spec.resources import (
    ACCOUNT_MAIL_QUEUE,
    ASSET_UPLOADS,
    ASSETS_BUCKET,
    CAMPAIGNS_QUEUE,
    LEDGER_EVENTS_QUEUE,
    NOTICE_QUEUE,
    OUTBOX_QUEUE,
    PRIORITY_OUTBOX_QUEUE,
    RENT_QUEUE,
    RESIDENT_IMPORTS,
    RESOURCES,
    WORK_ORDER_FILES,
    WORK_ORDER_SLA_QUEUE,
    UploadConsumer,
)
from shared.spec.routes import Grant

# The same actions CDK's `Table.grant_read_data` / `grant_read_write_data` give (a test keeps them in
# step), minus the stream actions: the table has no stream. ConditionCheckItem is the action a
# condition-only item of TransactWriteItems needs; TransactWriteItems/TransactGetItems themselves
# are not IAM actions, each item is authorized as its Put/Update/Delete/ConditionCheck/Get.
TABLE_READ_ACTIONS: tuple[str, ...] = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
)
TABLE_WRITE_ACTIONS: tuple[str, ...] = (
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
SECRET_READ_ACTIONS: tuple[str, ...] = ("secretsmanager:GetSecretValue",)
SECRET_ROTATE_ACTIONS: tuple[str, ...] = ("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue")
MFA_KEY_ACTIONS: tuple[str, ...] = ("kms:Encrypt", "kms:Decrypt")
QUEUE_SEND_ACTIONS: tuple[str, ...] = ("sqs:SendMessage",)
QUEUE_VISIBILITY_ACTIONS: tuple[str, ...] = ("sqs:ChangeMessageVisibility",)
DLQ_REDRIVE_ACTIONS: tuple[str, ...] = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
SCHEDULE_ACTIONS: tuple[str, ...] = (
    "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule",
)
PASS_ROLE_ACTIONS: tuple[str, ...] = ("iam:PassRole",)
SES_SEND_ACTIONS: tuple[str, ...] = ("ses:SendEmail", "ses:SendRawEmail")
SMS_SEND_ACTIONS: tuple[str, ...] = ("sns:Publish",)
# Objects of one upload consumer (its key pattern). Uploads are tagged by their POST policy, and
# S3 authorizes a PutObject carrying tags as PutObject + PutObjectTagging.
OBJECT_UPLOAD_ACTIONS: tuple[str, ...] = ("s3:PutObject", "s3:PutObjectTagging")
OBJECT_READ_ACTIONS: tuple[str, ...] = ("s3:GetObject",)  # also HeadObject and ranged GETs
OBJECT_PUBLISH_ACTIONS: tuple[str, ...] = ("s3:PutObject",)  # CopyObject's destination (tags replaced, none set)
OBJECT_DELETE_ACTIONS: tuple[str, ...] = ("s3:DeleteObject",)
OBJECT_UNTAG_ACTIONS: tuple[str, ...] = ("s3:DeleteObjectTagging",)
RAW_WRITE_ACTIONS: tuple[str, ...] = ("s3:PutObject",)  # no tags: the lifecycle rule goes by prefix

AUDIT_QUEUE_ID = "Audit"
OUTBOX_QUEUE_ID = OUTBOX_QUEUE.logical_id
PRIORITY_OUTBOX_QUEUE_ID = PRIORITY_OUTBOX_QUEUE.logical_id
SMS_WILDCARD_REASON = (
    "SMS: sns:Publish to a phone number has no resource ARN, so it is allowed on '*'; the same role denies "
    "sns:Publish on every SNS ARN (arn:<partition>:sns:*:*:*), so the grant reaches phone numbers only, "
    "not topics or platform endpoints"
)


@dataclass(frozen=True)
class GrantTargets:
    """The parent stack's resources a grant can point at (CDK tokens; nested stacks get parameters)."""

    table: dynamodb.ITable
    signing_key: secretsmanager.ISecret
    mfa_key_arn: str
    queues: Mapping[str, sqs.IQueue]  # by QueueSpec.logical_id
    dead_letter_queues: Mapping[str, sqs.IQueue]  # by the logical id of the queue they serve
    ses_identity_arn: str  # the verified mail domain
    ses_configuration_set_arn: str
    bucket: s3.IBucket  # the uploads (assets) bucket
    schedule_group: scheduler.CfnScheduleGroup | None = None  # the group of run-time one-time schedules
    scheduler_role_arn: str = ""  # the role those schedules assume

    @property
    def schedule_group_name(self) -> str:
        return self.schedule_group.ref if self.schedule_group is not None else ""

    @property
    def schedules_arn(self) -> str:
        """`arn:...:scheduler:<region>:<account>:schedule/<group>/*`: schedules of our group only."""
        return f"arn:{Aws.PARTITION}:scheduler:{Aws.REGION}:{Aws.ACCOUNT_ID}:schedule/{self.schedule_group_name}/*"

    def objects_arn(self, consumer: UploadConsumer) -> str:
        """`arn:...:s3:::<bucket>/communities/*/<segment>/*`: one consumer's objects, nobody else's."""
        return self.bucket.arn_for_objects(consumer.key_pattern)

    @property
    def raw_notifications_arn(self) -> str:
        """`arn:...:s3:::<bucket>/provider-notifications/*`: the kept provider notifications, nothing else."""
        return self.bucket.arn_for_objects(f"{ASSETS_BUCKET.raw_notifications_prefix}/*")

    @property
    def table_arns(self) -> list[str]:
        """The table and each index by name: `/index/*` would be a wildcard for nothing."""
        return [self.table.table_arn, *(f"{self.table.table_arn}/index/{i.name}" for i in RESOURCES.table.indexes)]

    def queue_arn(self, logical_id: str) -> str:
        try:
            return self.queues[logical_id].queue_arn
        except KeyError:
            raise LookupError(f"no queue {logical_id!r} in shared.spec.resources.RESOURCES.queues") from None

    def dlq_arn(self, logical_id: str) -> str:
        try:
            return self.dead_letter_queues[logical_id].queue_arn
        except KeyError:
            raise LookupError(f"no dead-letter queue for {logical_id!r}") from None


def _allow(actions: Sequence[str], resources: Sequence[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=list(actions), resources=list(resources))


def _sms_only() -> list[iam.PolicyStatement]:
    """Publish to phone numbers (no ARN: '*'), never to a topic or endpoint (those have ARNs)."""
    return [
        _allow(SMS_SEND_ACTIONS, ["*"]),
        iam.PolicyStatement(effect=iam.Effect.DENY, actions=list(SMS_SEND_ACTIONS),
                            resources=[f"arn:{Aws.PARTITION}:sns:*:*:*"]),
    ]


GRANT_POLICIES: Mapping[Grant, Callable[[GrantTargets], list[iam.PolicyStatement]]] = {
    Grant.TABLE_READ: lambda t: [_allow(TABLE_READ_ACTIONS, t.table_arns)],
    Grant.TABLE_WRITE: lambda t: [_allow(TABLE_READ_ACTIONS + TABLE_WRITE_ACTIONS, t.table_arns)],
    Grant.SIGNING_KEY_READ: lambda t: [_allow(SECRET_READ_ACTIONS, [t.signing_key.secret_arn])],
    Grant.SIGNING_KEY_ROTATE: lambda t: [_allow(SECRET_ROTATE_ACTIONS, [t.signing_key.secret_arn])],
    Grant.MFA_KEY_USE: lambda t: [_allow(MFA_KEY_ACTIONS, [t.mfa_key_arn])],
    Grant.AUDIT_QUEUE_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(AUDIT_QUEUE_ID)])],
    Grant.OUTBOX_QUEUE_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(OUTBOX_QUEUE_ID)])],
    Grant.OUTBOX_VISIBILITY: lambda t: [_allow(QUEUE_VISIBILITY_ACTIONS, [t.queue_arn(OUTBOX_QUEUE_ID)])],
    Grant.OUTBOX_DLQ_REDRIVE: lambda t: [
        _allow(DLQ_REDRIVE_ACTIONS, [t.dlq_arn(OUTBOX_QUEUE_ID), t.dlq_arn(PRIORITY_OUTBOX_QUEUE_ID)])
    ],
    Grant.PRIORITY_OUTBOX_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(PRIORITY_OUTBOX_QUEUE_ID)])],
    Grant.PRIORITY_OUTBOX_VISIBILITY: lambda t: [
        _allow(QUEUE_VISIBILITY_ACTIONS, [t.queue_arn(PRIORITY_OUTBOX_QUEUE_ID)])
    ],
    Grant.CAMPAIGNS_QUEUE_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(CAMPAIGNS_QUEUE.logical_id)])],
    Grant.SCHEDULES_MANAGE: lambda t: [
        _allow(SCHEDULE_ACTIONS, [t.schedules_arn]),
        iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=list(PASS_ROLE_ACTIONS), resources=[t.scheduler_role_arn],
                            conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}),
    ],
    Grant.SES_SEND: lambda t: [_allow(SES_SEND_ACTIONS, [t.ses_identity_arn, t.ses_configuration_set_arn])],
    Grant.SMS_SEND: lambda t: _sms_only(),
    Grant.ASSET_OBJECTS_UPLOAD: lambda t: [_allow(OBJECT_UPLOAD_ACTIONS, [t.objects_arn(ASSET_UPLOADS)])],
    Grant.ASSET_OBJECTS_READ: lambda t: [_allow(OBJECT_READ_ACTIONS, [t.objects_arn(ASSET_UPLOADS)])],
    Grant.ASSET_OBJECTS_DELETE: lambda t: [_allow(OBJECT_DELETE_ACTIONS, [t.objects_arn(ASSET_UPLOADS)])],
    Grant.ASSET_OBJECTS_UNTAG: lambda t: [_allow(OBJECT_UNTAG_ACTIONS, [t.objects_arn(ASSET_UPLOADS)])],
    Grant.ASSET_OBJECTS_PUBLISH: lambda t: [_allow(OBJECT_PUBLISH_ACTIONS, [t.objects_arn(ASSET_UPLOADS)])],
    Grant.IMPORT_OBJECTS_UPLOAD: lambda t: [_allow(OBJECT_UPLOAD_ACTIONS, [t.objects_arn(RESIDENT_IMPORTS)])],
    Grant.IMPORT_OBJECTS_READ: lambda t: [_allow(OBJECT_READ_ACTIONS, [t.objects_arn(RESIDENT_IMPORTS)])],
    Grant.ACCOUNT_MAIL_QUEUE_SEND: lambda t: [
        _allow(QUEUE_SEND_ACTIONS, [t.queue_arn(ACCOUNT_MAIL_QUEUE.logical_id)])],
    Grant.RAW_NOTIFICATIONS_WRITE: lambda t: [_allow(RAW_WRITE_ACTIONS, [t.raw_notifications_arn])],
    Grant.RENT_QUEUE_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(RENT_QUEUE.logical_id)])],
    Grant.NOTICE_QUEUE_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(NOTICE_QUEUE.logical_id)])],
    Grant.LEDGER_EVENTS_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS, [t.queue_arn(LEDGER_EVENTS_QUEUE.logical_id)])],
    Grant.WORK_ORDER_SLA_QUEUE_SEND: lambda t: [_allow(QUEUE_SEND_ACTIONS,
                                                       [t.queue_arn(WORK_ORDER_SLA_QUEUE.logical_id)])],
    Grant.WORK_ORDER_OBJECTS_UPLOAD: lambda t: [_allow(OBJECT_UPLOAD_ACTIONS, [t.objects_arn(WORK_ORDER_FILES)])],
    Grant.WORK_ORDER_OBJECTS_READ: lambda t: [_allow(OBJECT_READ_ACTIONS, [t.objects_arn(WORK_ORDER_FILES)])],
    Grant.WORK_ORDER_OBJECTS_DELETE: lambda t: [_allow(OBJECT_DELETE_ACTIONS, [t.objects_arn(WORK_ORDER_FILES)])],
    Grant.WORK_ORDER_OBJECTS_PUBLISH: lambda t: [_allow(OBJECT_PUBLISH_ACTIONS, [t.objects_arn(WORK_ORDER_FILES)])],
}

_unmapped = set(Grant) - set(GRANT_POLICIES)
if _unmapped:  # fail on import, not on deploy: a grant nobody mapped would silently grant nothing
    raise RuntimeError(f"infra.permissions.GRANT_POLICIES has no IAM mapping for {sorted(_unmapped)}")


def statements(grants: Iterable[Grant], targets: GrantTargets) -> list[iam.PolicyStatement]:
    """The statements for a function's grants; TABLE_WRITE already covers TABLE_READ."""
    wanted = set(grants)
    if Grant.TABLE_WRITE in wanted:
        wanted.discard(Grant.TABLE_READ)
    return [statement for grant in Grant if grant in wanted for statement in GRANT_POLICIES[grant](targets)]


SCHEDULES_REASON = (
    "Campaign schedules: one-time schedules are named per campaign at run time (campaign-{id}), so the grant names "
    "the schedule group and a wildcard for the schedule name; no other group is reachable"
)

OBJECT_GRANTS: frozenset[Grant] = frozenset({
    Grant.ASSET_OBJECTS_UPLOAD, Grant.ASSET_OBJECTS_READ, Grant.ASSET_OBJECTS_DELETE, Grant.ASSET_OBJECTS_UNTAG,
    Grant.ASSET_OBJECTS_PUBLISH, Grant.IMPORT_OBJECTS_UPLOAD, Grant.IMPORT_OBJECTS_READ,
    Grant.WORK_ORDER_OBJECTS_UPLOAD, Grant.WORK_ORDER_OBJECTS_READ, Grant.WORK_ORDER_OBJECTS_DELETE,
    Grant.WORK_ORDER_OBJECTS_PUBLISH,
})
RAW_NOTIFICATIONS_WILDCARD_REASON = (
    "Provider notifications: the worker writes one object per message and event under provider-notifications/* "
    "(keys made per notification), so no fixed list of ARNs exists; the prefix excludes every upload"
)
OBJECTS_WILDCARD_REASON = (
    "Uploads: object grants name one consumer's key pattern, communities/*/{segment}/* of the assets bucket. "
    "Object keys are made per upload (community id, record id, file name), so no fixed list of ARNs exists; "
    "the pattern is the narrowest scope IAM can express and excludes other consumers' objects"
)


def _ref_in_findings(scope: IConstruct, resource: CfnResource, attribute: str) -> str:
    """How cdk-nag prints a resource's Ref/attribute in a policy of `scope`'s stack: `<LogicalId.Arn>`
    (`<LogicalId>` for a Ref) in the resource's own stack, `<referenceto{unique id}{Attribute}>` (the
    parameter CDK passes it as) in a nested one."""
    own = Stack.of(resource)
    if Stack.of(scope) is own:
        logical_id = own.resolve(own.get_logical_id(resource))
        return f"<{logical_id}>" if attribute == "Ref" else f"<{logical_id}.{attribute}>"
    return f"<referenceto{Names.unique_id(resource)}{attribute}>"


def _bucket_arn_in_findings(scope: IConstruct, bucket: s3.IBucket) -> str:
    cfn_bucket = bucket.node.default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    return _ref_in_findings(scope, cfn_bucket, "Arn")


def acknowledge_wildcards(scope: IConstruct, grants: Iterable[Grant], targets: GrantTargets) -> None:
    """Tell cdk-nag why a function's statements have wildcards beyond X-Ray's (see module doc):
    SMS_SEND's `Resource: *`, and the key pattern of upload object grants."""
    held = set(grants)
    if Grant.SMS_SEND in held:
        acknowledge(scope, "AwsSolutions-IAM5[Resource::*]", SMS_WILDCARD_REASON)
    if Grant.SCHEDULES_MANAGE in held and targets.schedule_group is not None:
        group = _ref_in_findings(scope, targets.schedule_group, "Ref")
        acknowledge(scope, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:"
                    f"<AWS::AccountId>:schedule/{group}/*]", SCHEDULES_REASON)
    if held & OBJECT_GRANTS:
        bucket = _bucket_arn_in_findings(scope, targets.bucket)
        for pattern in sorted({consumer.key_pattern for consumer in RESOURCES.uploads}):
            acknowledge(scope, f"AwsSolutions-IAM5[Resource::{bucket}/{pattern}]", OBJECTS_WILDCARD_REASON)
    if Grant.RAW_NOTIFICATIONS_WRITE in held:
        bucket = _bucket_arn_in_findings(scope, targets.bucket)
        acknowledge(scope, f"AwsSolutions-IAM5[Resource::{bucket}/{ASSETS_BUCKET.raw_notifications_prefix}/*]",
                    RAW_NOTIFICATIONS_WILDCARD_REASON)
