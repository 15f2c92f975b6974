"""An email campaign to N residents through the real handlers on moto, against a naive baseline.

    PYTHONPATH=. .venv/bin/python bench/campaign.py [--recipients 20000] [--naive-recipients 2000]

What runs (all in-process, `moto.mock_aws`, resources provisioned by the project's own
`tests.support.resources.create_all`, i.e. the local runtime's provisioning from the spec):

* Setup (not measured): a community signs up (MFA enrolled, email verified), N residents are
  imported with `shared.residents.service.upsert_many`, a marketing email template using
  `{{first_name}}` and `{{balance}}` and a campaign with an inline filter audience are created
  through the HTTP handlers. `SES_MAX_SEND_RATE` is set to 1e9/s so the per-worker pacing
  (`shared.messaging.pacing`) never waits: the figures measure our work, not SES's quota.
* Measured: `POST /v1/campaigns/{id}/send` (authorizer + handler), then the campaigns fan-out
  worker and the outbox delivery worker handlers, fed Lambda SQS events built from ReceiveMessage
  (at most the queue's batch size from the spec: 1 for campaigns, 10 for the outbox), with the
  handled records deleted by DeleteMessageBatch as the event source mapping does. Those
  ReceiveMessage/DeleteMessageBatch calls are counted (the ESM makes them in AWS); empty polls
  are not (the ESM's idle long polling happens with or without a campaign). It ends when the
  campaign is `sent` (every recipient out of queued/sending); that check is not counted.
* Naive baseline (measured the same way on its first `--naive-recipients`, default min(N, 500), of a
  backlog of `--naive-backlog` pending rows, default N: the same campaign size): what the original
  design did. Pending rows are written (BatchWriteItem, counted for the measured ones), then a
  poller picks them one by one (Query on the sparse gsi1 for one pending row + UpdateItem claim)
  and per recipient writes the message record (PutItem), sends it on a queue (SendMessage); the
  worker side receives it (ReceiveMessage) and deletes it (DeleteMessage), renders the template
  (`shared.templates.render.render`) and calls SES SendEmail (plain, not raw). Figures are per 1000
  recipients and recipients/s, so the two sizes compare.

Every AWS call is counted by service and operation by wrapping
`botocore.client.BaseClient._make_api_call`, which every client goes through: the cached boto3
clients of `shared.platform.aws`, the DynamoDB client PynamoDB shares (`shared.platform.db`)
and the bench's own. One logical call is one count (SDK retries are not counted separately).

Correctness is checked at the end: moto's SES backend must hold exactly one send per intended
recipient (by the `X-Porchlight-Message` header), the campaign report must count N recipients
and N sent, and the naive baseline must have sent exactly one mail per recipient.

The cost estimate (non-SES infrastructure per million recipients) prices the counted calls with
the published on-demand unit prices below, per item (not per call): writes 1 WRU per KB of item
(the item size after the run for updates, the written size for puts), transactions 2x, strongly
consistent reads 1 RRU per 4 KB per item (Query: per 4 KB returned), eventually consistent half;
SQS 1 request per 64 KB of payload per call. Lambda GB-s is left out (moto's in-process time is
not Lambda's). Wall times on moto are CPU bound in moto itself; compare the ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# As tests/conftest.py: fake credentials and region before anything creates a client; quiet logs.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_SERVICE_NAME="porchlight",
    POWERTOOLS_METRICS_NAMESPACE="Porchlight",
    POWERTOOLS_LOG_LEVEL="ERROR",
    PASSWORD_HASH_PROFILE="fast",
)
os.environ.pop("AWS_ENDPOINT_URL", None)

import botocore.client  # noqa: E402

# --- published unit prices (us-east-1, on-demand) ---------------------------------------------------
# DynamoDB on-demand: https://aws.amazon.com/dynamodb/pricing/on-demand/
USD_PER_WRU = 1.25 / 1_000_000  # write request unit: one write of an item up to 1 KB
USD_PER_RRU = 0.25 / 1_000_000  # read request unit: one strongly consistent read of up to 4 KB
# SQS standard queue: https://aws.amazon.com/sqs/pricing/ (each 64 KB chunk of a payload is 1 request)
USD_PER_SQS_REQUEST = 0.40 / 1_000_000
WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096
SQS_BILLING_BYTES = 64 * 1024
TRANSACTION_FACTOR = 2

SES_RATE = 1e9  # SES_MAX_SEND_RATE during the bench: pacing never waits
MAX_RECIPIENTS = 100_000

# Issue 16 (a lighter footprint): <= 80 non-SES calls per 1,000, >= 70x fewer than naive, <= $7.00 per million.
TARGET_CALLS_PER_1000 = 80
TARGET_CALLS_RATIO = 70
TARGET_USD_PER_MILLION = 7.00
TARGET_THROUGHPUT_RATIO = 5


# --- counting every AWS call --------------------------------------------------------------------


def _size(value: Any) -> int:
    """Approximate DynamoDB size of an attribute value in wire form (names + values, in bytes)."""
    if isinstance(value, dict):
        if len(value) == 1:
            (kind, inner), = value.items()
            if kind in ("S", "N"):
                return len(str(inner).encode())
            if kind == "B":
                return len(inner)
            if kind in ("BOOL", "NULL"):
                return 1
            if kind in ("SS", "NS", "BS"):
                return sum(len(str(v).encode()) for v in inner)
            if kind == "L":
                return 3 + sum(1 + _size(v) for v in inner)
            if kind == "M":
                return 3 + sum(len(k.encode()) + 1 + _size(v) for k, v in inner.items())
        return sum(len(k.encode()) + _size(v) for k, v in value.items())
    return len(str(value).encode())


def item_size(item: dict[str, Any]) -> int:
    return sum(len(k.encode()) + _size(v) for k, v in item.items())


def _key(key: dict[str, Any]) -> tuple[str, str]:
    return str(key["pk"]["S"]), str(key.get("sk", {}).get("S", ""))


@dataclass
class Tally:
    """Calls by (service, operation), plus what the cost estimate needs."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    # time inside the call (moto's work)
    seconds: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    write_bytes: list[tuple[int, int]] = field(default_factory=list)  # (bytes, factor) of puts
    updated: list[tuple[tuple[str, str], int]] = field(default_factory=list)  # (key, factor) of updates
    read_units: float = 0.0
    sqs_requests: int = 0

    def non_ses(self) -> int:
        return sum(n for (service, _), n in self.calls.items() if service != "ses")

    def ses(self) -> int:
        return sum(n for (service, _), n in self.calls.items() if service == "ses")


class Counting:
    """Wraps `BaseClient._make_api_call` once; counts into the current tally while one is active."""

    def __init__(self) -> None:
        self.tally: Tally | None = None
        self._lock = threading.Lock()
        original = botocore.client.BaseClient._make_api_call
        counting = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            began = time.perf_counter()
            answer = original(client, operation, params)
            took = time.perf_counter() - began
            tally = counting.tally
            if tally is not None:
                service = client.meta.service_model.service_name
                with counting._lock:
                    tally.calls[(service, operation)] += 1
                    tally.seconds[(service, operation)] += took
                    if service == "dynamodb":
                        _dynamodb_units(tally, operation, params, answer)
                    elif service == "sqs":
                        tally.sqs_requests += _sqs_requests(operation, params, answer)
            return answer

        botocore.client.BaseClient._make_api_call = counted

    @contextmanager
    def into(self, tally: Tally | None) -> Iterator[None]:
        previous, self.tally = self.tally, tally
        try:
            yield
        finally:
            self.tally = previous


def _read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return units if consistent else units / 2


def _write_units(tally: Tally, operation: str, params: dict[str, Any]) -> None:
    if operation == "PutItem":
        tally.write_bytes.append((item_size(params["Item"]), 1))
    elif operation in ("UpdateItem", "DeleteItem"):
        tally.updated.append((_key(params["Key"]), 1))
    elif operation == "BatchWriteItem":
        for requests in params["RequestItems"].values():
            for request in requests:
                if "PutRequest" in request:
                    tally.write_bytes.append((item_size(request["PutRequest"]["Item"]), 1))
                else:
                    tally.updated.append((_key(request["DeleteRequest"]["Key"]), 1))
    elif operation == "TransactWriteItems":
        for entry in params["TransactItems"]:
            if "Put" in entry:
                tally.write_bytes.append((item_size(entry["Put"]["Item"]), TRANSACTION_FACTOR))
            elif "ConditionCheck" in entry:
                tally.read_units += TRANSACTION_FACTOR
            else:
                body = entry.get("Update") or entry.get("Delete")
                tally.updated.append((_key(body["Key"]), TRANSACTION_FACTOR))


def _dynamodb_units(tally: Tally, operation: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
    if operation == "GetItem":
        tally.read_units += _read_units(item_size(answer.get("Item", {})), bool(params.get("ConsistentRead")))
    elif operation == "BatchGetItem":
        for table, items in answer.get("Responses", {}).items():
            consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
            tally.read_units += sum(_read_units(item_size(i), consistent) for i in items)
    elif operation == "TransactGetItems":
        tally.read_units += TRANSACTION_FACTOR * len(params["TransactItems"])
    elif operation in ("Query", "Scan"):
        returned = sum(item_size(i) for i in answer.get("Items", []))
        tally.read_units += _read_units(returned, bool(params.get("ConsistentRead")))
    else:
        _write_units(tally, operation, params)


def _sqs_requests(operation: str, params: dict[str, Any], answer: dict[str, Any]) -> int:
    if operation == "SendMessage":
        payload = len(params["MessageBody"].encode())
    elif operation == "SendMessageBatch":
        payload = sum(len(e["MessageBody"].encode()) for e in params["Entries"])
    elif operation == "ReceiveMessage":
        payload = sum(len(m["Body"].encode()) for m in answer.get("Messages", []))
    else:
        payload = 0
    return max(1, math.ceil(payload / SQS_BILLING_BYTES))


COUNTING = Counting()


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    recipients: int
    seconds: float
    tally: Tally

    def per_1000(self, calls: int) -> float:
        return calls * 1000 / self.recipients

    def throughput(self) -> float:
        return self.recipients / self.seconds

    def usd_per_million(self, sizes: Callable[[tuple[str, str]], int]) -> float:
        wru = sum(max(1, math.ceil(b / WRITE_UNIT_BYTES)) * f for b, f in self.tally.write_bytes)
        wru += sum(max(1, math.ceil(sizes(k) / WRITE_UNIT_BYTES)) * f for k, f in self.tally.updated)
        usd = wru * USD_PER_WRU + self.tally.read_units * USD_PER_RRU + self.tally.sqs_requests * USD_PER_SQS_REQUEST
        return usd * 1_000_000 / self.recipients


def item_sizes() -> dict[tuple[str, str], int]:
    """Every item's size now (for the write units of updates: an update pays for the larger item)."""
    from shared.platform import aws
    from shared.platform.settings import settings

    sizes: dict[tuple[str, str], int] = {}
    paginator = aws.client("dynamodb").get_paginator("scan")
    for table in (settings().require("table_name"), f"{settings().require('table_name')}-naive"):
        for page in paginator.paginate(TableName=table):
            for item in page["Items"]:
                sizes[_key(item)] = item_size(item)
    return sizes


def breakdown(runs: list[Run]) -> None:
    operations = sorted({op for run in runs for op in run.tally.calls},
                        key=lambda op: (op[0] == "ses", -runs[0].tally.calls.get(op, 0), op))
    header = f"{'service':<9} {'operation':<26}" + "".join(
        f" {run.name + ' calls':>16} {'/1000':>9} {'ms/call':>8}" for run in runs)
    print(header)
    print("-" * len(header))
    for op in operations:
        line = f"{op[0]:<9} {op[1]:<26}"
        for run in runs:
            n = run.tally.calls.get(op, 0)
            ms = run.tally.seconds.get(op, 0.0) * 1000 / n if n else 0.0
            line += f" {n:>16} {run.per_1000(n):>9.1f} {ms:>8.2f}"
        print(line)
    for label, pick in (("non-SES", Tally.non_ses), ("SES", Tally.ses)):
        line = f"{'total':<9} {label:<26}"
        for run in runs:
            n = pick(run.tally)
            line += f" {n:>16} {run.per_1000(n):>9.1f} {'':>8}"
        print(line)


# --- setup ----------------------------------------------------------------------------------------


def provision() -> dict[str, Any]:
    import pytest

    from shared.messaging import pacing
    from shared.platform.settings import settings
    from tests.support.resources import create_all

    names = create_all(pytest.MonkeyPatch())  # sets the functions' environment in os.environ
    os.environ["SES_MAX_SEND_RATE"] = f"{SES_RATE:g}"
    settings.cache_clear()
    pacing.send_bucket.cache_clear()
    return names


def residents(community_id: str, n: int) -> list[str]:
    """N owners with an email and a balance (the import pipeline's batch upsert); their ids."""
    from shared.residents import service
    from shared.residents.schemas import ResidentFields

    ids: list[str] = []
    for start in range(0, n, 1000):
        rows = [ResidentFields(first_name=f"First{i}", last_name=f"Last{i}", email=f"r{i}@example.com",
                               role="owner", unit=f"{i}", balance=Decimal(i % 500) + Decimal("0.25"))
                for i in range(start, min(n, start + 1000))]
        for result in service.upsert_many(community_id, rows, source="import:bench"):
            if result.errors or not result.resident_id:
                raise SystemExit(f"resident row {result.index} failed: {result.errors}")
            ids.append(result.resident_id)
    return ids


# --- the real path --------------------------------------------------------------------------------


def esm_batch(queue_url: str, batch_size: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the event source mapping hands a function: a Lambda SQS event of up to `batch_size`."""
    from shared.platform import aws

    messages = aws.client("sqs").receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=batch_size, AttributeNames=["All"]).get("Messages", [])
    arn = f"arn:aws:sqs:us-east-1:123456789012:{queue_url.rsplit('/', 1)[1]}"
    records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "us-east-1"} for m in messages]
    return {"Records": records}, messages


def esm_invoke(queue_url: str, batch_size: int, handler: Callable[[dict[str, Any], Any], Any]) -> int:
    """Receive, invoke, delete the successes (DeleteMessageBatch); how many records were handled."""
    from shared.platform import aws
    from tests.support.api import FakeContext

    event, messages = esm_batch(queue_url, batch_size)
    if not messages:
        return 0
    answer = handler(event, FakeContext())
    failed = {f["itemIdentifier"] for f in (answer or {}).get("batchItemFailures", [])}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        aws.client("sqs").delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
    return len(messages)


def drain(queue_url: str, handler: Callable[[dict[str, Any], Any], Any]) -> None:
    while esm_invoke(queue_url, 10, handler):
        pass


def real_campaign(n: int) -> tuple[Run, dict[str, Any]]:
    from functions.workers import deliver as deliver_worker
    from functions.workers import fanout as fanout_worker
    from shared.campaigns import repository as campaigns
    from shared.campaigns.models import CampaignStatus
    from shared.spec.resources import CAMPAIGNS_QUEUE, OUTBOX_QUEUE
    from tests.integration.conftest import signup
    from tests.support.api import call

    names = provision()
    t0 = time.perf_counter()
    admin = signup()
    token = admin["access_token"]
    community_id = admin["community"]["id"]
    resident_ids = residents(community_id, n)
    tpl = call("POST", "/v1/templates", token=token, json_body={
        "name": "Dues", "channel": "email", "category": "marketing", "subject": "Dues for {{first_name}}",
        "html": "<p>Hi {{first_name}}, your balance is {{balance}}.</p>"})
    assert tpl.status == 201, tpl.body
    made = call("POST", "/v1/campaigns", token=token, json_body={
        "name": "Dues", "channel": "email", "template_id": tpl.body["id"],
        "audience": {"filter": {"roles": ["owner"]}}})
    assert made.status == 201, made.body
    campaign_id = made.body["id"]
    from functions.workers import deliver_priority

    drain(names["queues"]["PriorityOutbox"], deliver_priority.handler)  # the signup mail is not the campaign's
    print(f"setup: {n} residents, template, campaign in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    outbox, starts = names["queues"]["Outbox"], names["queues"]["Campaigns"]
    tally = Tally()
    start = time.perf_counter()
    with COUNTING.into(tally):
        sent = call("POST", f"/v1/campaigns/{campaign_id}/send", token=token, json_body={})
        assert sent.status == 202, sent.body
        while True:
            handled = esm_invoke(starts, CAMPAIGNS_QUEUE.batch_size, fanout_worker.handler)
            handled += esm_invoke(outbox, OUTBOX_QUEUE.batch_size, deliver_worker.handler)
            with COUNTING.into(None):
                campaign = campaigns.get(community_id, campaign_id)
            assert campaign is not None
            if campaign.status != CampaignStatus.SENDING:
                break
            if not handled:
                time.sleep(0.05)  # a deferred chunk comes back after its visibility timeout
    seconds = time.perf_counter() - start
    assert campaign.status == CampaignStatus.SENT, campaign.status
    # A 20,000-recipient run on moto outlasts the access token (15 minutes): read the report with a fresh one.
    fresh = call("POST", "/v1/auth/refresh", json_body={"refresh_token": admin["refresh_token"]})
    assert fresh.status == 200, fresh.body
    report = call("GET", f"/v1/campaigns/{campaign_id}/report", token=fresh.body["access_token"]).body
    return Run("campaign", n, seconds, tally), {"campaign_id": campaign_id, "resident_ids": resident_ids,
                                                "report": report, "community_id": community_id}


def ses_sends() -> list[Any]:
    from moto.backends import get_backend

    return list(get_backend("ses")["123456789012"]["us-east-1"].sent_messages)


HEADER = re.compile(r"^X-Porchlight-Message: *(\S+)", re.MULTILINE)


def verify_real(found: dict[str, Any], sends: list[Any]) -> None:
    n = len(found["resident_ids"])
    by_message = Counter(m for s in sends if hasattr(s, "raw_data")
                         for m in HEADER.findall(s.raw_data.split("\n\n", 1)[0]))
    wanted = {f"{found['campaign_id']}-{rid}" for rid in found["resident_ids"]}
    ours = {m: c for m, c in by_message.items() if m.startswith(found["campaign_id"] + "-")}
    problems = []
    if set(ours) != wanted:
        problems.append(f"{len(wanted - set(ours))} recipients got nothing, {len(set(ours) - wanted)} unexpected")
    twice = sum(1 for c in ours.values() if c != 1)
    if twice:
        problems.append(f"{twice} recipients got more than one mail")
    report = found["report"]
    if report["recipients"] != n or report["sent"] != n:
        problems.append(f"report says {report['recipients']} recipients, {report['sent']} sent; expected {n}")
    if problems:
        raise SystemExit("campaign verification FAILED: " + "; ".join(problems))
    print(f"verified: {n} SES sends, one per recipient; report recipients={report['recipients']} "
          f"sent={report['sent']}", file=sys.stderr)


# --- the naive baseline -----------------------------------------------------------------------------

NAIVE_PK = "BENCH#naive"
NAIVE_PENDING = "BENCH#naive#pending"


def naive(n: int, community_id: str, template_id: str, backlog: int) -> Run:
    """The original design: one pending row per recipient, polled and sent one at a time.

    The campaign is `backlog` recipients (the real campaign's size) of which the first `n` are
    measured: the rows beyond them are written before the clock starts, so the per-1000 call counts
    are the same whatever the backlog, and each pick is timed against a backlog as large as the
    campaign's (moto's Query cost grows with it, as it does for the real pipeline's pages)."""
    from infra.local.provision import _create_table
    from shared.platform import aws
    from shared.platform.settings import settings
    from shared.spec.resources import TABLE
    from shared.templates import service as templates
    from shared.templates.render import render

    ddb, sqs, ses = aws.client("dynamodb"), aws.client("sqs"), aws.client("ses")
    # Setup, not measured: its own table made from the same spec (moto's GSI Query sorts the whole
    # table each call; sharing the campaign's 100k+ items would charge the naive poller for them).
    table = f"{settings().require('table_name')}-naive"
    _create_table(ddb, table, TABLE)
    sender = f"no-reply@{settings().require('mail_from_domain')}"
    queue = sqs.create_queue(QueueName="bench-naive-outbox")["QueueUrl"]
    index = TABLE.indexes[0].name

    def pending_rows(start_at: int, stop: int) -> None:  # BatchWriteItem: the cheapest way to write them
        for first in range(start_at, stop, 25):
            ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {
                "pk": {"S": NAIVE_PK}, "sk": {"S": f"PENDING#{i:06d}"}, "status": {"S": "pending"},
                "gsi1pk": {"S": NAIVE_PENDING}, "gsi1sk": {"S": f"{i:06d}"}, "to": {"S": f"n{i}@example.com"},
                "variables": {"S": json.dumps({"first_name": f"First{i}", "balance": f"{i % 500}.25"})},
            }}} for i in range(first, min(stop, first + 25))]})

    with COUNTING.into(None):
        pending_rows(n, max(n, backlog))  # the rest of the campaign: setup, not measured
    tally = Tally()
    start = time.perf_counter()
    sent = 0
    with COUNTING.into(tally):
        template = templates.get(community_id, template_id)
        assert template is not None
        pending_rows(0, n)
        while sent < n:
            found = ddb.query(TableName=table, IndexName=index, KeyConditionExpression="gsi1pk = :p",
                              ExpressionAttributeValues={":p": {"S": NAIVE_PENDING}}, Limit=1)["Items"]
            if not found:
                break
            row = found[0]
            key = {"pk": row["pk"], "sk": row["sk"]}
            try:
                ddb.update_item(TableName=table, Key=key, UpdateExpression="SET #s = :c REMOVE gsi1pk, gsi1sk",
                                ConditionExpression="#s = :p", ExpressionAttributeNames={"#s": "status"},
                                ExpressionAttributeValues={":c": {"S": "claimed"}, ":p": {"S": "pending"}})
            except ddb.exceptions.ConditionalCheckFailedException:
                continue
            message_id = f"naive-{row['sk']['S'].split('#')[1]}"
            ddb.put_item(TableName=table, Item={
                "pk": {"S": NAIVE_PK}, "sk": {"S": f"MSG#{message_id}"}, "status": {"S": "queued"},
                "to": row["to"], "variables": row["variables"]})
            sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"message_id": message_id}))
            # The worker side: one message per receive.
            received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"][0]
            variables = json.loads(row["variables"]["S"])
            rendered = render(template, variables)
            ses.send_email(Source=sender, Destination={"ToAddresses": [row["to"]["S"]]}, Message={
                "Subject": {"Data": rendered.subject or ""},
                "Body": {"Html": {"Data": rendered.html or ""}, "Text": {"Data": rendered.text}}})
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=received["ReceiptHandle"])
            sent += 1
    return Run("naive", n, time.perf_counter() - start, tally)


def verify_naive(n: int, sends: list[Any]) -> None:
    tos = Counter(a for s in sends if not hasattr(s, "raw_data") for a in s.destinations.get("ToAddresses", [])
                  if a.startswith("n"))
    if len(tos) != n or any(c != 1 for c in tos.values()):
        raise SystemExit(f"naive verification FAILED: {len(tos)} recipients, expected {n} once each")
    print(f"verified: naive sent {n} mails, one per recipient", file=sys.stderr)


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--stock-moto", action="store_true",
                        help="keep moto's whole-table copy per TransactWriteItems (see infra.local.moto_transactions)")
    parser.add_argument("--naive-recipients", type=int, default=None,
                        help="recipients of the naive baseline measured (default min(recipients, 500))")
    parser.add_argument("--naive-backlog", type=int, default=None,
                        help="pending rows the naive poller picks from (default: the campaign's recipients)")
    args = parser.parse_args()
    n = args.recipients
    if not 1 <= n <= MAX_RECIPIENTS:
        parser.error(f"--recipients must be 1..{MAX_RECIPIENTS}")
    naive_n = args.naive_recipients or min(n, 500)

    from moto import mock_aws

    from infra.local import moto_patches

    if not args.stock_moto:
        moto_patches.install()  # as the local runtime and the tests do
    wall = time.perf_counter()
    with mock_aws():
        real, found = real_campaign(n)
        sends = ses_sends()
        verify_real(found, sends)
        template_id = _template_of(found)
        base = naive(naive_n, found["community_id"], template_id, args.naive_backlog or n)
        verify_naive(naive_n, ses_sends()[len(sends):])
        with COUNTING.into(None):
            sizes = item_sizes()
    print(f"campaign: {n} recipients in {real.seconds:.1f} s; naive: {naive_n} recipients in {base.seconds:.1f} s; "
          f"total wall {time.perf_counter() - wall:.1f} s (SES_MAX_SEND_RATE={SES_RATE:g}/s: pacing never waits; "
          f"naive figures are per 1000 of its first {naive_n} recipients of {max(naive_n, args.naive_backlog or n)}; "
          f"moto transactions {'stock' if args.stock_moto else 'without whole-table copies'})")
    breakdown([real, base])

    def size_of(key: tuple[str, str]) -> int:
        return sizes.get(key, WRITE_UNIT_BYTES)

    calls = real.per_1000(real.tally.non_ses())
    naive_calls = base.per_1000(base.tally.non_ses())
    figures: list[tuple[str, str]] = [
        ("recipients", str(n)),
        ("calls_per_1000_non_ses", f"{calls:.1f}"),
        ("calls_per_1000_ses", f"{real.per_1000(real.tally.ses()):.1f}"),
        ("naive_calls_per_1000_non_ses", f"{naive_calls:.1f}"),
        ("calls_ratio_vs_naive", f"{naive_calls / calls:.1f}"),
        ("throughput_recipients_per_s", f"{real.throughput():.1f}"),
        ("naive_throughput_recipients_per_s", f"{base.throughput():.1f}"),
        ("throughput_ratio_vs_naive", f"{real.throughput() / base.throughput():.2f}"),
        ("est_infra_usd_per_million", f"{real.usd_per_million(size_of):.2f}"),
    ]
    print(f"naive_est_infra_usd_per_million (not a target): {base.usd_per_million(size_of):.2f}")
    missed = [name for name, ok in (
        (f"calls_per_1000_non_ses <= {TARGET_CALLS_PER_1000}", calls <= TARGET_CALLS_PER_1000),
        (f"calls_ratio_vs_naive >= {TARGET_CALLS_RATIO}", naive_calls / calls >= TARGET_CALLS_RATIO),
        (f"est_infra_usd_per_million <= {TARGET_USD_PER_MILLION:.2f}",
         real.usd_per_million(size_of) <= TARGET_USD_PER_MILLION),
        (f"throughput_ratio_vs_naive >= {TARGET_THROUGHPUT_RATIO}",
         real.throughput() / base.throughput() >= TARGET_THROUGHPUT_RATIO),
    ) if not ok]
    print("targets: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    for name, value in figures:
        print(f"{name}: {value}")


def _template_of(found: dict[str, Any]) -> str:
    from shared.campaigns import repository as campaigns

    with COUNTING.into(None):
        campaign = campaigns.get(found["community_id"], found["campaign_id"])
    assert campaign is not None
    return campaign.template_id


if __name__ == "__main__":
    main()
