"""The rent job at scale: 10,000 active tenancies in 50 communities, charged through the real code on moto.

    .venv/bin/python bench/ledger.py [--communities 50] [--tenancies 10000]

On moto (in-process `mock_aws`) with the table and queues the local runtime provisions from
`shared.spec.resources`. The communities, properties, units and tenancies are written straight to the
table (setup, not measured); then `functions.jobs.charge_rent.handler` runs as the schedule would and
the RentCharges queue is drained through `functions.workers.charge_rent.handler` (community messages
fan out to property messages, property messages charge) until it is empty. DynamoDB calls are counted
with a botocore `before-call` hook on the shared client, from the job's start to the empty queue, and
divided by the tenancies charged. The job then runs a second time the same day: it must charge nothing.
Prints figures; it is a benchmark, not a test.

Target: at most 1.2 DynamoDB calls per tenancy charged.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mocked import Calls, Cancelled, provision_stack  # noqa: E402  (fake credentials first)

PROPERTIES_PER_COMMUNITY = 2




def populate(communities: int, tenancies: int) -> None:
    """Communities (with their admin), properties, units and active tenancies due today."""
    from shared.community.models import Community
    from shared.identity import repository as identity_repository
    from shared.identity.models import User
    from shared.platform import clock, ids
    from shared.properties import days, repository
    from shared.properties.items import PropertyItem, TenancyItem, UnitItem
    from shared.properties.models import Address, Party, Property, PropertyKind, RentPeriod, Span, Tenancy, Unit
    from shared.spec.permissions import Role

    now, today = clock.iso(), days.today_in("UTC")
    address = Address(line1="1 Bench St", city="Toronto", province="ON", postal_code="M5V 2T6", country="CA")
    per_community = tenancies // communities
    periods = [(RentPeriod.DAILY, None), (RentPeriod.WEEKLY, today.isoweekday()),
               (RentPeriod.MONTHLY, today.day) if today.day <= 28 else (RentPeriod.WEEKLY, today.isoweekday())]
    for n in range(communities):
        community = Community(id=ids.new_id(), slug=f"bench-{n}", name=f"Bench {n}", mfa_required_roles=[Role.ADMIN],
                              created_at=now, updated_at=now)
        admin = User(id=ids.new_id(), community_id=community.id, email=f"admin{n}@bench.example.com",
                     full_name="Bench", role=Role.ADMIN, status="active", password_hash="x", email_verified=True,
                     mfa_enabled=False, created_at=now, updated_at=now)
        identity_repository.create_community(community, admin)
        props = [Property(id=ids.new_id(), community_id=community.id, name=f"P{p}", kind=PropertyKind.RENTAL,
                          address=address, created_at=now, updated_at=now) for p in range(PROPERTIES_PER_COMMUNITY)]
        with PropertyItem.batch_write() as batch:
            for prop in props:
                batch.save(repository._property_item(prop, per_community // len(props)))
        with UnitItem.batch_write() as units, TenancyItem.batch_write() as leases:
            for i in range(per_community):
                prop = props[i % len(props)]
                period, due_day = periods[i % len(periods)]
                tenancy = Tenancy(id=ids.new_id(), community_id=community.id, property_id=prop.id, unit_id="",
                                  parties=(Party(resident_id=ids.new_id(), lead=True),),
                                  start_on=today - timedelta(days=100), rent=Decimal("1234.50"), rent_period=period,
                                  rent_due_day=due_day, rent_from=today, created_at=now, updated_at=now)
                unit = Unit(id=ids.new_id(), community_id=community.id, property_id=prop.id, label=str(i),
                            spans=(Span(tenancy_id=tenancy.id, start_on=tenancy.start_on),), created_at=now,
                            updated_at=now)
                units.save(repository._unit_item(unit))
                leases.save(repository._tenancy_item(tenancy.model_copy(update={"unit_id": unit.id})))


def run_job(url: str, arn: str, calls: Calls) -> tuple[float, int, int]:
    """Fire the job and drain the queue: (wall seconds, DynamoDB calls, messages handled)."""
    import boto3

    from functions.jobs import charge_rent as job
    from functions.workers import charge_rent as worker
    from infra.local.sqs_poller import sqs_record

    class Context:
        function_name, memory_limit_in_mb, aws_request_id = "charge-rent", 256, "bench"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:charge-rent"

        def get_remaining_time_in_millis(self) -> int:
            return 120_000

    sqs = boto3.client("sqs")
    calls.by_operation.clear()
    started = time.perf_counter()
    job.handler({"source": "aws.events"}, Context())  # type: ignore[arg-type]
    handled = 0
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        answer = worker.handler({"Records": [sqs_record(m, arn) for m in batch]}, Context())  # type: ignore[arg-type]
        assert answer == {"batchItemFailures": []}, answer
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(batch)])
        handled += len(batch)
    return time.perf_counter() - started, calls.total(), handled


def charged_entries() -> int:
    from shared.properties.items import LedgerEntryItem

    return sum(1 for item in LedgerEntryItem.scan() if isinstance(item, LedgerEntryItem))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--tenancies", type=int, default=10_000)
    args = parser.parse_args()

    from moto import mock_aws

    with mock_aws():
        from shared.platform import aws
        from shared.spec.resources import RENT_QUEUE

        provisioned = provision_stack()
        populate(args.communities, args.tenancies)
        calls, cancelled = Calls(), Cancelled()
        aws.client("dynamodb").meta.events.register("before-call.dynamodb", calls)
        aws.client("dynamodb").meta.events.register("after-call.dynamodb.TransactWriteItems", cancelled)
        url, arn = provisioned.queue_urls[RENT_QUEUE.logical_id], provisioned.queue_arns[RENT_QUEUE.logical_id]

        wall, total, messages = run_job(url, arn, calls)
        by_operation = dict(sorted(calls.by_operation.items()))
        charged = charged_entries()
        assert cancelled.count == 0, f"{cancelled.count} transactions were cancelled: figures not valid"
        assert charged == args.tenancies, f"{charged} charges for {args.tenancies} tenancies"
        again_wall, again_calls, _ = run_job(url, arn, calls)
        assert charged_entries() == charged, "the second run charged again"
        print(f"communities: {args.communities}")
        print(f"tenancies_charged: {charged}")
        print(f"queue_messages: {messages}")
        print(f"dynamodb_calls: {total}")
        print(f"calls_by_operation: {by_operation}")
        print(f"calls_per_tenancy: {total / charged:.3f}")
        print(f"wall_s: {wall:.1f}")
        print(f"second_run_charges: {charged_entries() - charged}")
        print(f"second_run_dynamodb_calls: {again_calls}")
        print(f"second_run_wall_s: {again_wall:.1f}")


if __name__ == "__main__":
    main()
