"""Moving outbox dead letters back to the outbox queue (a scheduled job, or by hand).

The DLQ is found from the queue's own redrive policy, so no second name is configured. A
message moved back is checked by the worker as usual: still `queued` and under its attempt
bound → delivered; over the bound → `failed` with the reason, and it stops there.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.platform import aws
from shared.platform.observability import logger
from shared.platform.settings import settings
from shared.spec.resources import OUTBOX_LANES

SQS_BATCH = 10


def dead_letter_url(sqs: Any, queue_url: str) -> str:
    policy = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])["Attributes"]
    dlq_arn = json.loads(policy["RedrivePolicy"])["deadLetterTargetArn"]
    _, _, _, _, account, name = dlq_arn.split(":")
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def requeue_dead_letters(limit: int = 5_000) -> int:
    """Move up to `limit` messages from each outbox lane's DLQ back to its lane; return how many moved."""
    moved = 0
    for lane in OUTBOX_LANES:
        moved += _requeue_lane(settings().require(lane.env_var.lower()), limit - moved)
    return moved


def _requeue_lane(queue_url: str, limit: int) -> int:
    sqs = aws.client("sqs")
    dlq_url = dead_letter_url(sqs, queue_url)
    moved = 0
    by_community: Counter[str] = Counter()
    while moved < limit:
        received = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=SQS_BATCH, WaitTimeSeconds=0,
                                       VisibilityTimeout=60).get("Messages", [])
        if not received:
            break
        sent = sqs.send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(received)]
        )
        ok = {int(entry["Id"]) for entry in sent.get("Successful", [])}
        done = [m for i, m in enumerate(received) if i in ok]
        if done:
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        moved += len(done)
        by_community.update(_community_of(m["Body"]) for m in done)
        if len(done) < len(received):
            logger.warning("some dead letters were not moved", extra={"failed": len(received) - len(done)})
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
