"""Test resources built from `shared.spec.resources`, the same definitions the stack uses."""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3
import pytest

from shared.spec.resources import RESOURCES, function_environment

REGION = "us-east-1"


def create_all(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    spec = RESOURCES
    table = spec.table
    ddb = boto3.client("dynamodb", region_name=REGION)
    attributes = {table.pk, table.sk} | {i.pk for i in table.indexes} | {i.sk for i in table.indexes}
    ddb.create_table(
        TableName="porchlight-test",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        KeySchema=[{"AttributeName": table.pk, "KeyType": "HASH"}, {"AttributeName": table.sk, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": i.name,
                "KeySchema": [{"AttributeName": i.pk, "KeyType": "HASH"}, {"AttributeName": i.sk, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for i in table.indexes
        ],
    )
    sqs = boto3.client("sqs", region_name=REGION)
    queue_urls: dict[str, str] = {}
    for queue in spec.queues:
        dlq = sqs.create_queue(QueueName=f"{queue.logical_id.lower()}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        queue_urls[queue.logical_id] = sqs.create_queue(
            QueueName=queue.logical_id.lower(),
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout_s),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receive_count}),
            },
        )["QueueUrl"]
        queue_urls[f"{queue.logical_id}Dlq"] = dlq
    secret_id = "porchlight-test-signing-key"
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=secret_id, SecretString=json.dumps({"kid": "initial", "secret": secrets.token_urlsafe(48)})
    )
    bucket = "porchlight-test-assets"
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
    env = function_environment(
        stage="test",
        version="0.0.0-test",
        table_name="porchlight-test",
        signing_key_secret_id=secret_id,
        bucket_name=bucket,
        queue_urls=queue_urls,
        schedule_group="porchlight-test",
        scheduler_role_arn="arn:aws:iam::123456789012:role/scheduler",
        log_level="WARNING",
    )
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {"env": env, "queues": queue_urls, "table": "porchlight-test", "secret_id": secret_id}
