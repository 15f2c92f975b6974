"""Issue 7's fault test: a campaign through crashes, duplicates, throttling and a poison chunk ends
with every recipient sent exactly once or failed with a reason — zero duplicates, zero lost.

The queue is driven the way Lambda's event source mapping drives it (receive, invoke, delete the
successes, the rest reappear; moto dead-letters past maxReceiveCount). Messages whose outcome a
crash hid are settled by SES's own `Send` notification, as in AWS (tagged with the message id).
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from functions.jobs import release_stale_sends, requeue_dead_letters
from functions.workers import deliver as deliver_worker
from shared.messaging import chunks, delivery, events, repository, stale
from shared.messaging.models import MessageStatus, ProviderEvent, ProviderEventKind
from shared.platform import aws, clock
from shared.residents import service as residents
from shared.residents.schemas import ResidentFields
from tests.integration.conftest import signup
from tests.integration.test_campaigns import campaign, run_fanout
from tests.integration.test_delivery import sqs_event
from tests.integration.test_messages_api import template
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration

RECIPIENTS = 60


class FaultyProvider:
    """Real moto SES underneath; throttles every third call, remembers which messages it accepted."""

    def __init__(self) -> None:
        self.calls = 0
        self.accepted: Counter[str] = Counter()  # message id → provider sends

    def client(self, service: str) -> Any:
        real = aws.client(service)
        if service != "ses":
            return real

        def send_raw_email(**kwargs: Any) -> Any:
            self.calls += 1
            if self.calls % 3 == 0:
                raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."},
                                   "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendRawEmail")
            answer = real.send_raw_email(**kwargs)
            message_id = next(t["Value"] for t in kwargs["Tags"] if t["Name"] == "message_id")
            self.accepted[message_id] += 1
            return answer

        return SimpleNamespace(send_raw_email=send_raw_email)


def esm_round(queue_url: str, duplicate: bool) -> int:
    """One event source mapping poll: receive ≤10, invoke, delete the successes. With `duplicate`,
    the batch is invoked twice (an at-least-once duplicate delivery)."""
    event = sqs_event(queue_url, visibility=0)
    if not event["Records"]:
        return 0
    if duplicate:
        deliver_worker.handler(event, FakeContext())
    try:
        failed = {f["itemIdentifier"] for f in deliver_worker.handler(event, FakeContext())["batchItemFailures"]}
    except RuntimeError:  # the injected crash: the whole invocation died, every record comes back
        return len(event["Records"])
    done = [r for r in event["Records"] if r["messageId"] not in failed]
    if done:
        boto3.client("sqs").delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done)])
    return len(event["Records"])


def test_faults_end_with_every_recipient_once(aws_env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    admin = signup()
    token, cid = admin["access_token"], admin["community"]["id"]
    rows = [ResidentFields(first_name=f"R{i}", last_name="Lee", email=f"r{i}@example.com", role="owner",
                           balance="10") for i in range(RECIPIENTS)]
    assert all(r.ok for r in residents.upsert_many(cid, rows, source="test"))
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 10)
    monkeypatch.setattr(delivery, "BACKOFF_BASE_S", 0)  # throttled records come back at once
    monkeypatch.setattr(delivery, "BACKOFF_CAP_S", 0)
    provider = FaultyProvider()
    monkeypatch.setattr(delivery, "aws", SimpleNamespace(client=provider.client))
    made = campaign(token, template(token))
    boto3.client("sqs").purge_queue(QueueUrl=aws_env["queues"]["Outbox"])  # the signup mail: not this test's
    assert call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={}).status == 202
    run_fanout(aws_env)

    # A crash after the provider accepted a chunk and before the outcomes were written (once).
    real_settle, crashed, crashed_ids = repository.settle_many, [], set()

    def settle_or_crash(settles: Any, claim_id: str) -> Any:
        if not crashed and any(s.status == MessageStatus.SENT for s in settles) and any(
                s.status == MessageStatus.QUEUED for s in settles):
            crashed.append(len(settles))
            crashed_ids.update(s.message.id for s in settles)
            raise RuntimeError("Lambda died after the provider call")
        return real_settle(settles, claim_id)

    monkeypatch.setattr(repository, "settle_many", settle_or_crash)
    # One poison chunk: every delivery of it fails until it is dead-lettered and requeued.
    bodies = [m["Body"] for m in boto3.client("sqs").receive_message(
        QueueUrl=aws_env["queues"]["Outbox"], MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]]
    poison_first = chunks.parse(bodies[0]).message_ids[0]  # type: ignore[union-attr]
    real_deliver, poisoned = delivery.deliver_chunk, {"on": True}

    def deliver_or_poison(chunk: chunks.Chunk, **lane: Any) -> Any:
        if poisoned["on"] and poison_first in chunk.message_ids:
            raise RuntimeError("poison chunk")
        return real_deliver(chunk, **lane)

    monkeypatch.setattr(delivery, "deliver_chunk", deliver_or_poison)
    outbox = aws_env["queues"]["Outbox"]
    for round_ in range(200):
        if not esm_round(outbox, duplicate=round_ % 2 == 0):
            break
    dlq = aws_env["queues"]["OutboxDlq"]
    depth = boto3.client("sqs").get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
    assert int(depth["Attributes"]["ApproximateNumberOfMessages"]) == 1  # the poison chunk, dead-lettered
    poisoned["on"] = False
    assert requeue_dead_letters.handler({}, FakeContext()) == {"moved": 1}
    while esm_round(outbox, duplicate=False):
        pass
    # SES's `Send` notifications settle what the crash left `sending` (SES tags carry the message id).
    for message_id in provider.accepted:
        events.record(ProviderEvent(community_id=cid, message_id=message_id, kind=ProviderEventKind.SEND,
                                    at=clock.iso()))

    # What the crash left `sending` without a provider record was never accepted: the stale-send job
    # (every 15 minutes) puts it back on the queue, once SES has had far more than enough time to tell.
    clock.travel(stale.STALE_AFTER_S + 60)
    released = release_stale_sends.handler({}, FakeContext())["requeued"]
    clock.travel(0)  # back to now: the admin's token is still valid
    assert released == crashed[0] - sum(1 for m in provider.accepted if m in crashed_ids)
    while esm_round(outbox, duplicate=True):
        pass
    stored, _ = repository.campaign_messages(cid, made["id"], limit=1000)
    assert len(stored) == RECIPIENTS
    statuses = Counter(str(m.status) for m in stored)
    assert statuses == Counter({"sent": RECIPIENTS}), statuses
    assert crashed and provider.calls > RECIPIENTS  # the faults did happen
    assert set(provider.accepted) == {m.id for m in stored}  # zero lost
    assert max(provider.accepted.values()) == 1  # zero duplicates
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert report["recipients"] == RECIPIENTS and report["sent"] == RECIPIENTS and report["queued"] == 0
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "sent"
    throttled = [m for m in stored if any(e.type == "retry_scheduled" for e in m.events)]
    assert throttled and all(m.attempts >= 2 for m in throttled)
