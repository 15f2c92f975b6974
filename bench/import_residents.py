"""Resident import throughput and DynamoDB cost: 10,000 generated rows through the real worker code.

    .venv/bin/python bench/import_residents.py [--rows 10000]

On moto (in-process `mock_aws`), with the table, bucket, queues and upload rules the local runtime
provisions from `shared.spec.resources`: the CSV is put under `communities/{cid}/imports/{iid}/`,
moto turns it into the S3 → EventBridge → SQS event, and `functions.workers.import_residents.handler`
gets that SQS record as Lambda would. DynamoDB calls are counted with a botocore `before-call`
hook on the shared client every repository uses. The same file is then imported a second time
(every row an update). Prints figures; it is a benchmark, not a test.

One moto cost is taken out, as in the local runtime and the tests: before each TransactWriteItems,
moto deep-copies the whole table once per action in it (its rollback backup), so a 100-action
transaction on a table of 50,000 items costs minutes and the wall time would measure moto, not the
import. `infra.local.moto_transactions` backs up only the items a transaction names instead (same
all-or-nothing semantics). The bench still counts cancelled transactions and refuses to print
figures if there were any (there are none: one writer, distinct rows).

Targets: the 10,000-row import under 60 s, at most 0.2 DynamoDB calls per new resident.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mocked import Calls, Cancelled, provision_stack  # noqa: E402  (fake credentials first)

HEADER = "first_name,last_name,email,phone,role,unit,balance,has_violation,tags"
ROLES = ("owner", "tenant", "board")


def generate(rows: int) -> bytes:
    """Distinct residents, each with an email and a phone (what a real directory file carries)."""
    lines = ["\ufeff" + HEADER]
    for i in range(rows):
        phone = f"(202) {201 + i // 10_000:03d}-{i % 10_000:04d}"
        lines.append(f"First{i},Last{i},resident{i}@example.com,{phone},{ROLES[i % 3]},{i % 400 + 1}A,"
                     f"{(i % 50) * 12.5:.2f},{'yes' if i % 17 == 0 else 'no'},pool;block-{i % 9}")
    return ("\r\n".join(lines) + "\r\n").encode()




def run_once(community_id: str, data: bytes, calls: Calls, label: str) -> dict[str, Any]:
    import boto3

    from functions.workers import import_residents
    from infra.local.sqs_poller import sqs_record
    from shared.imports import repository
    from shared.imports.models import ResidentImport
    from shared.platform import clock, ids
    from shared.spec.resources import RESIDENT_IMPORTS, RESIDENT_IMPORTS_QUEUE
    from shared.uploads.objects import object_key

    import_id = ids.new_id()
    now = clock.iso()
    job = ResidentImport(id=import_id, community_id=community_id, filename="bench.csv",
                         object_key=object_key(community_id, RESIDENT_IMPORTS.segment, import_id, "bench.csv"),
                         created_by="bench", created_at=now, updated_at=now)
    repository.create(job)
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    s3.put_object(Bucket=os.environ["ASSETS_BUCKET"], Key=job.object_key, Body=data)
    url = os.environ[RESIDENT_IMPORTS_QUEUE.env_var]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1)["Messages"]
    event = {"Records": [sqs_record(messages[0], arn)]}

    class Context:
        function_name, memory_limit_in_mb, aws_request_id = "import-residents", 1024, "bench"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:import-residents"

    calls.by_operation.clear()
    started = time.perf_counter()
    answer = import_residents.handler(event, Context())  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    assert answer == {"batchItemFailures": []}, answer
    done = repository.get(community_id, import_id)
    assert done is not None and done.status == "completed", done
    total = calls.total()
    return {"run": label, "rows": done.total, "created": done.created, "updated": done.updated,
            "failed": done.failed, "wall_s": wall, "rows_per_s": done.total / wall, "dynamodb_calls": total,
            "dynamodb_calls_per_row": total / max(done.total, 1),
            "dynamodb_calls_per_new_row": total / done.created if done.created else None,
            "calls_by_operation": dict(sorted(calls.by_operation.items()))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    from moto import mock_aws

    with mock_aws():
        from shared.platform import aws, ids

        provision_stack()
        calls, cancelled = Calls(), Cancelled()
        aws.client("dynamodb").meta.events.register("before-call.dynamodb", calls)
        aws.client("dynamodb").meta.events.register("after-call.dynamodb.TransactWriteItems", cancelled)
        data = generate(args.rows)
        community_id = ids.new_id()
        print(f"file_bytes: {len(data)}")
        for label in ("first import (all new)", "same file again (all updates)"):
            figures = run_once(community_id, data, calls, label)
            assert cancelled.count == 0, f"{cancelled.count} transactions were cancelled: figures not valid"
            print(f"--- {figures.pop('run')}")
            for name, value in figures.items():
                print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
