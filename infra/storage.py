"""The assets bucket: private, encrypted, TLS-only, uploaded to directly from the SPA."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.config import StageConfig
from shared.spec.resources import UPLOAD_ROOT, BucketSpec


class Storage(Construct):
    """The assets bucket and the bucket its server access logs go to.

    The log bucket has no access logs of its own: cdk-nag (S1) accepts a bucket that is a logging
    destination, and logging it would only need yet another bucket.

    Browsers upload with presigned POST/PUT and download with presigned GET, so CORS allows exactly
    the SPA origin and the spec's methods; nothing is public.

    Every ObjectCreated goes to EventBridge, where one rule per upload consumer routes it to that
    consumer's queue (infra/uploads.py). It is switched on in the bucket's own
    NotificationConfiguration rather than with `event_bridge_enabled=True`, which CDK implements
    with a custom-resource Lambda (and a managed-policy role) just to call PutBucketNotification.
    Uploads arrive tagged pending (shared/uploads/presign.py): the lifecycle rule deletes objects
    still tagged after `pending_expiry_days`, i.e. uploads no consumer ever accepted.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: BucketSpec, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # server access logging requires SSE-S3
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(365 if config.is_prod else 30)),
            ],
            removal_policy=config.removal_policy,
        )
        self.bucket = s3.Bucket(
            self,
            spec.logical_id,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{spec.logical_id.lower()}/",
            cors=[
                s3.CorsRule(
                    allowed_origins=[config.spa_origin],
                    allowed_methods=[s3.HttpMethods(method) for method in spec.cors_methods],
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-multipart-uploads",
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="expire-raw-provider-notifications",
                    prefix=f"{spec.raw_notifications_prefix}/",
                    expiration=Duration.days(spec.raw_notifications_expiry_days),
                ),
                s3.LifecycleRule(
                    id="expire-mail-attachments",
                    prefix=f"{spec.mail_attachments_prefix}/",
                    expiration=Duration.days(spec.mail_attachments_expiry_days),
                ),
                s3.LifecycleRule(
                    id="expire-unaccepted-uploads",
                    prefix=f"{UPLOAD_ROOT}/",
                    tag_filters={spec.pending_tag[0]: spec.pending_tag[1]},
                    expiration=Duration.days(spec.pending_expiry_days),
                ),
            ],
            removal_policy=config.removal_policy,
        )
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
