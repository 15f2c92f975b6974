"""Reading what handlers put on queues, as a test sees it."""

from __future__ import annotations

from typing import Any

import boto3

from shared.audit.events import AuditEvent


def audit_events(aws_env: dict[str, Any]) -> list[AuditEvent]:
    """Drain the audit queue and parse every event on it."""
    sqs, queue = boto3.client("sqs"), aws_env["queues"]["Audit"]
    found: list[AuditEvent] = []
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        for item in batch:
            found.append(AuditEvent.model_validate_json(item["Body"]))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=item["ReceiptHandle"])
    return found
