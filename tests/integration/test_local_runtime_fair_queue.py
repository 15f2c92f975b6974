"""The local poller on a fair queue serves the message groups with the fewest in flight first (issue 16)."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.config import LocalConfig
from infra.local.embedded_aws import Clients
from infra.local.functions import for_worker
from infra.local.lambdas import Invoker
from infra.local.provision import QueueInfo, create_queue
from infra.local.sqs_poller import QueuePoller
from shared.spec.resources import QueueSpec

pytestmark = pytest.mark.integration

WORKER = "tests.fake_fair_worker"
SPEC = QueueSpec(logical_id="Fair", env_var="FAIR_QUEUE_URL", worker=WORKER, grants=(), visibility_timeout_s=30,
                 max_receive_count=5, batch_size=4, fair=True)


@pytest.fixture
def queue() -> QueueInfo:
    return create_queue(Clients(None)("sqs"), LocalConfig(), SPEC)


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The bodies of every batch the worker gets; records whose body ends in "!" stay in flight (failed)."""
    seen: list[list[str]] = []
    module = types.ModuleType(WORKER)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append([r["body"] for r in event["Records"]])
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]
                                      if r["body"].endswith("!")]}

    module.handler = handler  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, WORKER, module)
    return seen


def poller_for(queue: QueueInfo, fair: bool) -> Iterator[QueuePoller]:
    stop = threading.Event()
    yield QueuePoller(SPEC, queue.url, queue.arn, Clients(None)("sqs"), for_worker(SPEC), Invoker(), stop,
                      wait_s=0, fair=fair)
    stop.set()


def send(queue: QueueInfo, group: str, bodies: list[str]) -> None:
    sqs = Clients(None)("sqs")
    for start in range(0, len(bodies), 10):
        sqs.send_message_batch(QueueUrl=queue.url, Entries=[
            {"Id": str(i), "MessageBody": b, "MessageGroupId": group} for i, b in enumerate(bodies[start:start + 10])])


def test_two_groups_are_served_side_by_side_not_oldest_first(queue: QueueInfo, batches: list[list[str]]) -> None:
    send(queue, "community-a", [f"a{i}" for i in range(8)])  # a's whole campaign is queued first
    send(queue, "community-b", [f"b{i}" for i in range(8)])
    for poller in poller_for(queue, fair=True):
        while poller.poll_once():
            pass
    assert batches[:2] == [["a0", "b0", "a1", "b1"], ["a2", "b2", "a3", "b3"]]
    assert [body for batch in batches for body in batch] == [f"{g}{i}" for i in range(8) for g in "ab"]


def test_a_group_with_messages_in_flight_waits_for_the_others(queue: QueueInfo, batches: list[list[str]]) -> None:
    send(queue, "community-a", ["a0!", "a1!", "a2!"])  # taken and left in flight (failed, visible in 30 s)
    for poller in poller_for(queue, fair=True):
        poller.poll_once()
        send(queue, "community-a", ["a3", "a4", "a5"])
        send(queue, "community-b", ["b0", "b1", "b2", "b3"])
        poller.poll_once()
    # a has 3 in flight (and just had its turn): b's four come before a's next.
    assert batches == [["a0!", "a1!", "a2!"], ["b0", "b1", "b2", "b3"]]
    for poller in poller_for(queue, fair=True):
        poller.poll_once()
    assert batches[-1] == ["a3", "a4", "a5"]


def test_without_fairness_the_oldest_come_first(queue: QueueInfo, batches: list[list[str]]) -> None:
    send(queue, "community-a", [f"a{i}" for i in range(8)])
    send(queue, "community-b", [f"b{i}" for i in range(8)])
    for poller in poller_for(queue, fair=False):
        poller.poll_once()
    assert batches == [["a0", "a1", "a2", "a3"]]
