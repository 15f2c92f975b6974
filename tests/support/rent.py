"""Run the rent job as AWS would: the scheduled function, then the rent queue's worker until it is empty."""

from __future__ import annotations

from typing import Any

import boto3

from shared.spec.resources import RENT_QUEUE
from tests.support.api import FakeContext


def run_rent_job(aws_env: dict[str, Any]) -> dict[str, int]:
    """Fire `ChargeRent` and drain the queue through the worker; how many messages each kind made."""
    from functions.jobs import charge_rent as job
    from functions.workers import charge_rent as worker
    from infra.local.sqs_poller import sqs_record

    sqs, url = boto3.client("sqs"), aws_env["queues"][RENT_QUEUE.logical_id]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    scheduled = job.handler({"source": "aws.events", "detail-type": "Scheduled Event"}, FakeContext())  # type: ignore[arg-type]
    handled = 0
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        answer = worker.handler({"Records": [sqs_record(m, arn) for m in batch]}, FakeContext())  # type: ignore[arg-type]
        assert answer == {"batchItemFailures": []}, answer
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handled += len(batch)
    return {"communities": int(scheduled["communities"]), "messages": handled}
