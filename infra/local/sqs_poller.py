"""The SQS event source mapping, locally: one thread per queue feeding its worker.

It does what Lambda's poller does with ReportBatchItemFailures on: receive a batch, hand the
worker a real SQS event, delete the records that succeeded, and leave the failed ones (all of
them if the worker raised) to come back after the visibility timeout. Nothing is re-sent or
moved by hand: the queue's RedrivePolicy makes moto move a message to the DLQ once it has been
received `max_receive_count` times, as SQS does. On a fair queue (`fair=True`) each receive serves
the message groups with the fewest messages in flight first, as SQS fair queues do (`fair_queue`).
"""

from __future__ import annotations

import base64
import itertools
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from infra.local.background import Background
from infra.local.config import REGION
from infra.local.fair_queue import prioritise
from infra.local.functions import FunctionSpec
from infra.local.lambdas import InvocationError, Invoker
from shared.spec.resources import QueueSpec

log = logging.getLogger("infra.local.sqs")

_MAX_BATCH = 10  # ReceiveMessage's limit
_TURNS = itertools.count(1)  # increasing turn numbers for fair queues' "served least recently"


def _attribute(value: dict[str, Any]) -> dict[str, Any]:
    binary = value.get("BinaryValue")
    return {
        "stringValue": value.get("StringValue"),
        "binaryValue": base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary,
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [base64.b64encode(v).decode() for v in value.get("BinaryListValues", [])],
        "dataType": value.get("DataType", "String"),
    }


def sqs_record(message: dict[str, Any], queue_arn: str, region: str = REGION) -> dict[str, Any]:
    """One record of the SQS event Lambda delivers, from a ReceiveMessage message."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {k: _attribute(v) for k, v in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def failed_ids(result: Any, message_ids: list[str]) -> set[str]:
    """The records to leave on the queue, from the worker's response (partial batch response).

    As Lambda: no response or an empty list is full success; an item without a known
    `itemIdentifier` fails the whole batch.
    """
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return set()
    failures = result["batchItemFailures"]
    if not isinstance(failures, list):
        return set(message_ids)
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in message_ids:
            log.warning("batchItemFailures has an unknown itemIdentifier %r: the whole batch fails", identifier)
            return set(message_ids)
        failed.add(identifier)
    return failed


@dataclass
class PollStats:
    received: int = 0
    deleted: int = 0
    failed: int = 0


class QueuePoller(Background):
    def __init__(
        self,
        spec: QueueSpec,
        queue_url: str,
        queue_arn: str,
        sqs: Any,
        function: FunctionSpec,
        invoker: Invoker,
        stop: threading.Event,
        wait_s: int = 1,
        fair: bool = False,
        served: dict[str | None, int] | None = None,
    ) -> None:
        super().__init__(name=f"sqs-{spec.logical_id}")
        self.spec = spec
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self._sqs = sqs
        self._function = function
        self._invoker = invoker
        self._stopping = stop
        self._wait_s = wait_s
        self.fair = fair
        # Fair queues: each message group's last turn (shared by the pollers of one queue).
        self._served: dict[str | None, int] = served if served is not None else {}
        self.stats = PollStats()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except (BotoCoreError, ClientError):
                if self._stopping.is_set():
                    return
                log.exception("polling %s failed; retrying", self.spec.logical_id)
                self._stopping.wait(1.0)

    def poll_once(self) -> int:
        """Receive one batch and process it; the number of messages received."""
        if self.fair:
            prioritise(self.queue_url, self._served)
        answer = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.spec.batch_size, _MAX_BATCH),
            WaitTimeSeconds=self._wait_s,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        for message in messages:
            self._served[message.get("Attributes", {}).get("MessageGroupId")] = next(_TURNS)
        if messages:
            self._process(messages)
        return len(messages)

    def _process(self, messages: list[dict[str, Any]]) -> None:
        records = [sqs_record(m, self.queue_arn) for m in messages]
        ids = [r["messageId"] for r in records]
        self.stats.received += len(records)
        started = time.monotonic()
        try:
            result = self._invoker.invoke(self._function, {"Records": records})
        except InvocationError:
            failed = set(ids)  # the worker raised: the whole batch comes back
        else:
            failed = failed_ids(result, ids)
        done = [m for m in messages if m["MessageId"] not in failed]
        self._delete(done)
        self.stats.deleted += len(done)
        self.stats.failed += len(failed)
        log.info("%s: %d record(s) to %s, %d failed (%.0f ms)", self.spec.logical_id, len(records),
                 self._function.name, len(failed), (time.monotonic() - started) * 1000)

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), _MAX_BATCH):
            chunk = messages[start:start + _MAX_BATCH]
            answer = self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            for failure in answer.get("Failed", []):
                log.warning("%s: deleting a processed message failed: %s", self.spec.logical_id, failure)
