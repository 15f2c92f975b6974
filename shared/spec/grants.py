"""What a function may touch in AWS; `infra/permissions.py` turns each into the narrowest IAM grant."""

from __future__ import annotations

from enum import StrEnum


class Grant(StrEnum):
    TABLE_READ = "table:read"
    TABLE_WRITE = "table:write"  # implies read
    SIGNING_KEY_READ = "signing-key:read"
    SIGNING_KEY_ROTATE = "signing-key:rotate"
    MFA_KEY_USE = "mfa-key:use"  # kms:Encrypt / kms:Decrypt of TOTP secrets
    AUDIT_QUEUE_SEND = "queue:audit:send"
    OUTBOX_QUEUE_SEND = "queue:outbox:send"  # the bulk lane (campaign chunks)
    OUTBOX_VISIBILITY = "queue:outbox:visibility"  # the delivery worker backs off by itself
    OUTBOX_DLQ_REDRIVE = "queue:outbox-dlq:redrive"  # receive + delete on both lanes' DLQs
    PRIORITY_OUTBOX_SEND = "queue:priority-outbox:send"  # the priority lane (system, transactional, one-offs)
    PRIORITY_OUTBOX_VISIBILITY = "queue:priority-outbox:visibility"
    CAMPAIGNS_QUEUE_SEND = "queue:campaigns:send"  # start a campaign's fan-out now
    # Create/update/delete one-time schedules in the Scheduler group, passing them the Scheduler role
    # (whose only permission is sending to the campaigns queue).
    SCHEDULES_MANAGE = "scheduler:manage"
    SES_SEND = "ses:send"  # SendRawEmail from the configured domain, with the configuration set
    SMS_SEND = "sns:sms"  # SNS Publish to phone numbers
    # Objects under communities/*/assets/* of the assets bucket (presigning signs with the role's keys,
    # so whoever presigns a POST needs PutObject itself; tagging is part of every upload, see shared.uploads).
    ASSET_OBJECTS_UPLOAD = "s3:assets:upload"  # PutObject + PutObjectTagging
    ASSET_OBJECTS_READ = "s3:assets:read"  # GetObject (and so HeadObject and presigned GET)
    ASSET_OBJECTS_DELETE = "s3:assets:delete"  # DeleteObject
    ASSET_OBJECTS_UNTAG = "s3:assets:untag"  # DeleteObjectTagging: a verified object stops expiring
    # PutObject as a copy's destination: the verifier copies accepted bytes to the asset's verified key,
    # which no presigned POST names (issue 17: an upload is verified once; downloads serve that copy).
    ASSET_OBJECTS_PUBLISH = "s3:assets:publish"
    # Objects under communities/*/imports/* (resident CSV imports): the API presigns, the worker reads.
    # The worker neither untags nor deletes: a processed CSV expires with the pending tag (a day).
    IMPORT_OBJECTS_UPLOAD = "s3:imports:upload"  # PutObject + PutObjectTagging
    IMPORT_OBJECTS_READ = "s3:imports:read"  # GetObject (and so HeadObject and ranged GETs)
    ACCOUNT_MAIL_QUEUE_SEND = "queue:account-mail:send"  # magic-link / password-reset requests (issue 12)
    # PutObject under provider-notifications/* (the raw SES/SNS notifications the provider-events worker keeps).
    RAW_NOTIFICATIONS_WRITE = "s3:provider-notifications:write"
    # The rent job (issue 11): the schedule puts one message per community on the rent queue, and the
    # community's message fans out to one per property on the same queue.
    RENT_QUEUE_SEND = "queue:rent:send"
    # The notice reminder job (issue 14): the schedule puts one message per community on its queue.
    NOTICE_QUEUE_SEND = "queue:notice-reminders:send"
    # Ledger postings that lower what is owed tell the LedgerEvents queue (issue 14: N4 voided by payment).
    LEDGER_EVENTS_SEND = "queue:ledger-events:send"
    # The work-order SLA watch (issue 13): the schedule puts one message per community on its queue.
    WORK_ORDER_SLA_QUEUE_SEND = "queue:work-order-sla:send"
    # Work-order attachments (issue 13): objects under communities/*/work-orders/*. The API presigns the
    # upload and the downloads; the verifier reads, copies the accepted bytes and their thumbnail beside
    # them (publish), and deletes the upload.
    WORK_ORDER_OBJECTS_UPLOAD = "s3:work-orders:upload"  # PutObject + PutObjectTagging
    WORK_ORDER_OBJECTS_READ = "s3:work-orders:read"  # GetObject (and so HeadObject and presigned GET)
    WORK_ORDER_OBJECTS_DELETE = "s3:work-orders:delete"  # DeleteObject
    WORK_ORDER_OBJECTS_PUBLISH = "s3:work-orders:publish"  # PutObject: the verified copy and the thumbnail
