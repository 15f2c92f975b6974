"""Moving outbox dead letters back to the outbox queue (a scheduled job, or by hand).

The DLQ is found from the queue's own redrive policy, so no second name is configured. A
message moved back is checked by the worker as usual: still `queued` and under its attempt
bound → delivered; over the bound → `failed` with the reason, and it stops there.

Each move back adds one to the record's `ROUNDS_ATTRIBUTE` (an SQS message attribute, which
survives the queue's own redrive to the DLQ). A record already moved back `MAX_DEAD_LETTER_ROUNDS`
times is not moved again: its messages still `queued` end `failed` with the reason (logged at
ERROR and counted by `failures.record`) and the record is deleted, so nothing cycles for ever.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.messaging import chunks, failures, repository
from shared.messaging.models import Message, MessageStatus
from shared.messaging.progress import OnSettled, Settled
from shared.messaging.repository import Settle
from shared.platform import aws
from shared.platform.observability import logger
from shared.platform.settings import settings
from shared.spec.resources import OUTBOX_LANES

SQS_BATCH = 10
MAX_DEAD_LETTER_ROUNDS = 3  # hourly: three more hours of SQS retries before a record's messages fail
ROUNDS_ATTRIBUTE = "porchlight_dead_letter_rounds"


def rounds(record: dict[str, Any]) -> int:
    """How many times this dead letter was already moved back to the outbox."""
    value = record.get("MessageAttributes", {}).get(ROUNDS_ATTRIBUTE, {}).get("StringValue", "0")
    try:
        return max(0, int(value))
    except ValueError:
        return 0


def _message_ids(body: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    """(community, campaign, message ids) a record names; None when it is malformed."""
    try:
        chunk = chunks.parse(body)
        if chunk is not None:
            return chunk.community_id, chunk.campaign_id, chunk.message_ids
        data: Any = json.loads(body)
        return str(data["community_id"]), None, (str(data["message_id"]),)
    except (ValueError, KeyError, TypeError):
        return None


def give_up(body: str, done_rounds: int, on_settled: OnSettled) -> int:
    """Fail the record's messages that are still `queued` (a `sending` one is the stale job's); how many."""
    named = _message_ids(body)
    if named is None:
        logger.error("malformed outbox dead letter dropped")
        return 0
    community_id, campaign_id, message_ids = named
    reason = f"gave up after {done_rounds} dead-letter requeues"
    carried = _carried(body)
    if carried:
        failed = _give_up_carried(community_id, carried, reason)
        if campaign_id:
            on_settled(Settled(community_id, campaign_id))
        return failed
    failed = 0
    for message in repository.get_many(community_id, message_ids, without_events=True).values():
        if message.status == MessageStatus.QUEUED and repository.finish(
                message, MessageStatus.FAILED, reason, from_statuses=(MessageStatus.QUEUED,)):
            failures.record(community_id, message.id, reason, kind="dead_letter_rounds_exhausted")
            failed += 1
            campaign_id = campaign_id or message.campaign_id
    if campaign_id:
        on_settled(Settled(community_id, campaign_id))  # the caller may complete it (campaigns sit above)
    return failed


def _carried(body: str) -> tuple[Message, ...]:
    try:
        chunk = chunks.parse(body)
    except ValueError:
        return ()
    return chunk.carried if chunk is not None else ()


def _give_up_carried(community_id: str, carried: tuple[Message, ...], reason: str) -> int:
    """A chunk that carries its messages: those never written, or still `queued`, end `failed` (written now)."""
    found = repository.get_many(community_id, [m.id for m in carried], without_events=True)
    pending = [found.get(m.id, m) for m in carried]
    ends = [Settle(m, MessageStatus.FAILED, reason, claimed=False, carried=True) for m in pending
            if m.status == MessageStatus.QUEUED]
    written = repository.settle_many(ends, claim_id="")
    for end in written:
        failures.record(community_id, end.message.id, reason, kind="dead_letter_rounds_exhausted")
    return len(written)


def dead_letter_url(sqs: Any, queue_url: str) -> str:
    policy = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])["Attributes"]
    dlq_arn = json.loads(policy["RedrivePolicy"])["deadLetterTargetArn"]
    _, _, _, _, account, name = dlq_arn.split(":")
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def requeue_dead_letters(on_settled: OnSettled, limit: int = 5_000) -> int:
    """Move up to `limit` messages from each outbox lane's DLQ back to its lane; return how many moved.
    `on_settled` hears of each campaign whose messages were given up."""
    moved = 0
    for lane in OUTBOX_LANES:
        moved += _requeue_lane(settings().require(lane.env_var.lower()), limit - moved, on_settled)
    return moved


def _requeue_lane(queue_url: str, limit: int, on_settled: OnSettled) -> int:
    sqs = aws.client("sqs")
    dlq_url = dead_letter_url(sqs, queue_url)
    moved = 0
    by_community: Counter[str] = Counter()
    while moved < limit:
        received = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=SQS_BATCH, WaitTimeSeconds=0,
                                       VisibilityTimeout=60, MessageAttributeNames=[ROUNDS_ATTRIBUTE],
                                       ).get("Messages", [])
        if not received:
            break
        spent = [m for m in received if rounds(m) >= MAX_DEAD_LETTER_ROUNDS]
        for record in spent:
            give_up(record["Body"], rounds(record), on_settled)
        back = [m for m in received if rounds(m) < MAX_DEAD_LETTER_ROUNDS]
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "MessageBody": m["Body"], "MessageAttributes": {
                ROUNDS_ATTRIBUTE: {"DataType": "Number", "StringValue": str(rounds(m) + 1)}}}
            for i, m in enumerate(back)]) if back else {}
        ok = {int(entry["Id"]) for entry in sent.get("Successful", [])}
        done = [m for i, m in enumerate(back) if i in ok]
        if done or spent:
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done + spent)],
            )
        moved += len(done)
        by_community.update(_community_of(m["Body"]) for m in done)
        if len(done) < len(back):
            logger.warning("some dead letters were not moved", extra={"failed": len(back) - len(done)})
            break
    logger.info("outbox dead letters requeued", extra={"moved": moved})
    for community_id, count in by_community.items():
        if community_id:  # every requeue is in the community's audit trail (the actor is this job)
            publish(AuditEvent(community_id=community_id, action="messages.dead_letters_requeued",
                               actor_id="system:requeue-dead-letters", detail={"records": count}))
    return moved


def _community_of(body: str) -> str:
    try:
        data: Any = json.loads(body)
        return str(data.get("community_id") or "") if isinstance(data, dict) else ""
    except ValueError:
        return ""
