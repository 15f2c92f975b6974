"""The local SQS event source: partial batch failures, redelivery and the DLQ, with a fake worker on moto."""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from infra.local.config import LocalConfig
from infra.local.embedded_aws import Clients
from infra.local.functions import for_worker
from infra.local.lambdas import Invoker
from infra.local.provision import QueueInfo, create_queue
from infra.local.sqs_poller import QueuePoller
from shared.spec.resources import QueueSpec

pytestmark = pytest.mark.integration

WORKER = "tests.fake_local_worker"
SPEC = QueueSpec(logical_id="Fake", env_var="FAKE_QUEUE_URL", worker=WORKER, grants=(), visibility_timeout_s=1,
                 max_receive_count=2, batch_size=10)


class Worker:
    """Fails records whose body is "fail", raises on "raise", makes "retry-now" visible at once."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (body, ApproximateReceiveCount)
        self.lock = threading.Lock()

    def handler(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures = []
        with self.lock:
            self.seen.extend((r["body"], r["attributes"]["ApproximateReceiveCount"]) for r in event["Records"])
        for record in event["Records"]:
            assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":porchlight-local-fake")
            if record["body"] == "raise":
                raise RuntimeError("worker crashed")
            if record["body"] == "retry-now" and record["attributes"]["ApproximateReceiveCount"] == "1":
                boto3.client("sqs", region_name="us-east-1").change_message_visibility(
                    QueueUrl=context.queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0)
                failures.append({"itemIdentifier": record["messageId"]})
            if record["body"] == "fail":
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def bodies(self) -> list[str]:
        with self.lock:
            return [body for body, _ in self.seen]


def wait_for(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


@pytest.fixture
def queue() -> QueueInfo:
    return create_queue(Clients(None)("sqs"), LocalConfig(), SPEC)


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch, queue: QueueInfo) -> Worker:
    worker = Worker()
    module = types.ModuleType(WORKER)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        context.queue_url = queue.url  # the fake worker needs it to change visibility
        return worker.handler(event, context)

    module.handler = handler  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, WORKER, module)
    return worker


@pytest.fixture
def poller(queue: QueueInfo, worker: Worker) -> Iterator[QueuePoller]:
    stop = threading.Event()
    poller = QueuePoller(SPEC, queue.url, queue.arn, Clients(None)("sqs"), for_worker(SPEC), Invoker(), stop, wait_s=1)
    yield poller
    stop.set()
    if poller.is_alive():
        poller.join(timeout=5)


def messages_in(url: str) -> int:
    attributes = Clients(None)("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def dlq_bodies(queue: QueueInfo) -> list[str]:
    answer = Clients(None)("sqs").receive_message(QueueUrl=queue.dlq_url, MaxNumberOfMessages=10)
    return [m["Body"] for m in answer.get("Messages", [])]


def test_successes_are_deleted_and_a_failing_record_ends_in_the_dlq(
    queue: QueueInfo, worker: Worker, poller: QueuePoller
) -> None:
    sqs = Clients(None)("sqs")
    for body in ("ok-1", "fail", "ok-2"):
        sqs.send_message(QueueUrl=queue.url, MessageBody=body)
    poller.start()
    wait_for(lambda: messages_in(queue.url) == 0 and messages_in(queue.dlq_url) == 1)
    assert dlq_bodies(queue) == ["fail"]
    bodies = worker.bodies()
    assert bodies.count("ok-1") == 1 and bodies.count("ok-2") == 1  # deleted after their first success
    assert bodies.count("fail") == SPEC.max_receive_count  # redelivered, never re-sent or deleted
    assert [count for body, count in worker.seen if body == "fail"] == ["1", "2"]


def test_a_raising_worker_deletes_nothing(queue: QueueInfo, worker: Worker, poller: QueuePoller) -> None:
    Clients(None)("sqs").send_message_batch(QueueUrl=queue.url, Entries=[
        {"Id": "1", "MessageBody": "raise"}, {"Id": "2", "MessageBody": "ok"}])
    received = 0
    deadline = time.monotonic() + 5
    while received < 2 and time.monotonic() < deadline:
        received += poller.poll_once()
    assert sorted(worker.bodies()) == ["ok", "raise"]
    assert messages_in(queue.url) == 2  # both stay: the batch failed as a whole
    assert poller.stats.deleted == 0 and poller.stats.failed == 2


def test_worker_can_change_visibility_of_its_own_messages(
    queue: QueueInfo, worker: Worker, poller: QueuePoller
) -> None:
    Clients(None)("sqs").send_message(QueueUrl=queue.url, MessageBody="retry-now")
    poller.start()
    wait_for(lambda: worker.bodies().count("retry-now") == 2)
    wait_for(lambda: messages_in(queue.url) == 0)
    assert [count for _, count in worker.seen] == ["1", "2"]
    assert messages_in(queue.dlq_url) == 0


def test_redrive_policy_and_visibility_come_from_the_spec(queue: QueueInfo) -> None:
    attributes = Clients(None)("sqs").get_queue_attributes(QueueUrl=queue.url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == str(SPEC.visibility_timeout_s)
    assert f'"maxReceiveCount": {SPEC.max_receive_count}' in attributes["RedrivePolicy"].replace('"2"', "2")
    assert queue.dlq_arn in attributes["RedrivePolicy"]
