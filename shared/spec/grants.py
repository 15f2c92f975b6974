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
    OUTBOX_QUEUE_SEND = "queue:outbox:send"
    OUTBOX_VISIBILITY = "queue:outbox:visibility"  # the delivery worker backs off by itself
    OUTBOX_DLQ_REDRIVE = "queue:outbox-dlq:redrive"  # receive + delete on the DLQ, send to the queue
    SES_SEND = "ses:send"  # SendRawEmail from the configured domain, with the configuration set
    SMS_SEND = "sns:sms"  # SNS Publish to phone numbers
