"""N4 voided by payment on moto: a partial payment leaves it served; paying the arrears in full voids it
(`void_reason: "paid"`), cancels its reminders and mails its creator, driven by the LedgerEvents queue the
payment wrote to (no scan); a redelivered event changes nothing; the sample event drives the worker."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from functions.workers import ledger_events as worker
from shared.spec.resources import LEDGER_EVENTS_QUEUE
from tests.integration.test_notice_reminders_job import outbox_count
from tests.integration.test_notices_api import post, world  # noqa: F401  (the fixture)
from tests.integration.test_notices_email_service import drain_priority, raw_mails
from tests.integration.test_sample_events import load
from tests.support.api import FakeContext, call
from tests.support.properties import ok

pytestmark = pytest.mark.integration


def drain(aws_env: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the LedgerEvents worker over what the queue holds; the messages' bodies."""
    from infra.local.sqs_poller import sqs_record

    sqs, url = boto3.client("sqs"), aws_env["queues"][LEDGER_EVENTS_QUEUE.logical_id]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bodies: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        records = [sqs_record(m, arn) for m in batch]
        assert worker.handler({"Records": records}, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
        assert worker.handler({"Records": records}, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]  # redelivered
        for message in batch:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def paid_mails(aws_env: dict[str, Any]) -> int:
    """Deliver what the priority outbox holds; the "voided by payment" mails SES accepted so far."""
    drain_priority(aws_env)
    return sum(m["Subject"] == "N4 void: the arrears were paid" for m in raw_mails())


def test_paying_the_arrears_voids_the_n4(world: dict[str, Any], aws_env: dict[str, Any]) -> None:  # noqa: F811
    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid}), 201)
    served = ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(),
                                                                  "service_method": "hand"}))
    assert any(r["status"] == "pending" for r in served["reminders"])
    drain(aws_env)
    ok(post(token, f"/v1/tenancies/{tid}/payments", {"amount": "2000.00", "on": world["today"].isoformat(),
                                                     "method": "cheque"}), 201)
    assert [b["kind"] for b in drain(aws_env)] == ["payment"]
    assert ok(call("GET", f"/v1/notices/{notice['id']}", token=token))["status"] == "served"  # 500.00 still owed
    ok(post(token, f"/v1/tenancies/{tid}/payments", {"amount": "500.00", "on": world["today"].isoformat(),
                                                     "method": "cheque"}), 201)
    drain(aws_env)
    voided = ok(call("GET", f"/v1/notices/{notice['id']}", token=token))
    assert voided["status"] == "void" and voided["void_reason"] == "paid"
    assert {r["status"] for r in voided["reminders"]} == {"cancelled"}
    assert paid_mails(aws_env) == 1  # the creator is told, once (the event was delivered twice)
    # A charge writes no event.
    ok(post(token, f"/v1/tenancies/{tid}/charges", {"amount": "10.00", "on": world["today"].isoformat(),
                                                    "category": "fee", "description": "Key"}), 201)
    assert drain(aws_env) == []


def test_ledger_event_sample(aws_env: dict[str, Any]) -> None:
    # The sample names no real tenancy: nothing to void, no failure; a malformed body is dropped.
    assert worker.handler(load("sqs-ledger-event.json"), FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    bad = load("sqs-ledger-event.json")
    bad["Records"][0]["body"] = "{}"
    assert worker.handler(bad, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]


def served_n4_paid_in_full(world: dict[str, Any], aws_env: dict[str, Any]  # noqa: F811
                           ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A served N4, then a payment of all the arrears; the notice and the ledger event, not yet handled."""
    from infra.local.sqs_poller import sqs_record

    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid}), 201)
    ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(), "service_method": "hand"}))
    drain(aws_env)
    ok(post(token, f"/v1/tenancies/{tid}/payments", {"amount": "2500.00", "on": world["today"].isoformat(),
                                                     "method": "cheque"}), 201)
    sqs, url = boto3.client("sqs"), aws_env["queues"][LEDGER_EVENTS_QUEUE.logical_id]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    event = {"Records": [sqs_record(m, arn) for m in sqs.receive_message(QueueUrl=url).get("Messages", [])]}
    assert len(event["Records"]) == 1
    return notice, event


def test_a_worker_that_dies_between_the_void_and_its_mail_mails_once_on_redelivery(
        world: dict[str, Any], aws_env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The void commits, the worker dies before the mail: SQS redelivers the event, which finds the notice
    void already and still mails its creator, once; a day later the event would mail nothing."""
    from shared.messaging import repository as messages
    from shared.notices_service import mail
    from shared.platform import clock, ids

    token = world["token"]
    notice, event = served_n4_paid_in_full(world, aws_env)
    before = outbox_count(aws_env)
    mail_id = ids.derived(world["community_id"], notice["id"], "void-paid")
    real, sent = mail.send_paid, []

    def dies(_: Any) -> list[str]:
        raise RuntimeError("the worker died")

    monkeypatch.setattr(mail, "send_paid", dies)
    failed = worker.handler(event, FakeContext())  # type: ignore[arg-type]
    assert [f["itemIdentifier"] for f in failed["batchItemFailures"]] == [event["Records"][0]["messageId"]]
    assert ok(call("GET", f"/v1/notices/{notice['id']}", token=token))["void_reason"] == "paid"
    assert messages.get(world["community_id"], mail_id) is None and outbox_count(aws_env) == before

    def counted(n: Any) -> list[str]:
        sent.append(n.id)
        return real(n)

    monkeypatch.setattr(mail, "send_paid", counted)
    for _ in range(2):  # redelivered, and once more
        assert worker.handler(event, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert sent == [notice["id"], notice["id"]]  # asked twice, recorded once
    assert messages.get(world["community_id"], mail_id) is not None
    assert paid_mails(aws_env) == 1
    clock.travel(2 * 24 * 3600)  # past any redelivery: an event no longer looks at it
    assert worker.handler(event, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert sent == [notice["id"], notice["id"]]


def test_a_worker_that_dies_between_recording_the_mail_and_queueing_it_queues_it_on_redelivery(
        world: dict[str, Any], aws_env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from shared.messaging import repository as messages
    from shared.messaging import service as messaging
    from shared.platform import ids

    notice, event = served_n4_paid_in_full(world, aws_env)
    before = outbox_count(aws_env)
    real = messaging.enqueue_or_fail

    def dies(_: Any) -> int:
        raise RuntimeError("the worker died")

    monkeypatch.setattr(messaging, "enqueue_or_fail", dies)
    assert worker.handler(event, FakeContext())["batchItemFailures"]  # type: ignore[arg-type]
    mail_id = ids.derived(world["community_id"], notice["id"], "void-paid")
    recorded = messages.get(world["community_id"], mail_id)
    assert recorded is not None and recorded.status == "queued" and outbox_count(aws_env) == before
    monkeypatch.setattr(messaging, "enqueue_or_fail", real)
    assert worker.handler(event, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert outbox_count(aws_env) == before + 1  # queued now, from the one record
    assert worker.handler(event, FakeContext()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert paid_mails(aws_env) == 1  # queued twice (the record was still queued), sent once: the claim


def test_a_manual_void_that_says_paid_is_not_told_as_a_payment(
        world: dict[str, Any], aws_env: dict[str, Any]) -> None:  # noqa: F811
    """Only the payment's own void mails "the arrears were paid": a manager's reason "paid" is just text."""
    from shared.messaging import repository as messages
    from shared.platform import ids

    token, tid, m = world["token"], world["tenancy"]["id"], world["m"]
    notice = ok(post(token, "/v1/notices", {"type": "n4", "tenancy_id": tid}), 201)
    ok(post(token, f"/v1/notices/{notice['id']}/serve", {"served_on": m.isoformat(), "service_method": "hand"}))
    assert ok(post(token, f"/v1/notices/{notice['id']}/void", {"reason": "paid"}))["void_reason"] == "paid"
    drain(aws_env)
    ok(post(token, f"/v1/tenancies/{tid}/payments", {"amount": "100.00", "on": world["today"].isoformat(),
                                                     "method": "cheque"}), 201)
    assert [b["kind"] for b in drain(aws_env)] == ["payment"]
    assert messages.get(world["community_id"], ids.derived(world["community_id"], notice["id"], "void-paid")) is None
