"""SQS fair queues, locally: among waiting messages, the group with the fewest in flight is served first.

AWS's fair queues are standard queues whose messages carry a `MessageGroupId`: when one group (a
"noisy neighbour") has a backlog, SQS delivers the other groups' messages first, in proportion to
what each has in flight. moto stores the group id of a standard queue's message but delivers
oldest first, so one community's 20 chunks would all go before another's first. Before each
receive on a fair queue, the poller calls `prioritise`, which reorders moto's waiting messages:
each visible message gets the rank "messages of its group in flight + its place among its group's
waiting ones", and the queue is served by rank; ties go to the group served least recently, then to
the oldest message. Two communities with nothing in flight are thus served A, B, A, B, ...; a group
with 3 in flight waits for the others to catch up, and one that just had its turn lets the other go.

It reorders moto's list in place under moto's own queue lock, so a concurrent SendMessage (which
appends under that lock) is never lost; receive counts and visibility are untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from moto.sqs.models import sqs_backends

from infra.local.config import ACCOUNT_ID, REGION


def order(messages: list[Any], served: Mapping[str | None, int] | None = None) -> list[Any]:
    """`messages` (moto Messages, oldest first) in fair-queue order: visible ones by rank, then the rest.
    `served` numbers the groups' last turns (higher: more recent); a group never served comes first."""
    served = served or {}
    in_flight = Counter(m.group_id for m in messages if not m.visible and not m.delayed)
    placed: Counter[str | None] = Counter()
    ranked: list[tuple[int, int, int, Any]] = []
    others: list[Any] = []
    for index, message in enumerate(messages):
        if message.visible and not message.delayed:
            group = message.group_id
            ranked.append((in_flight[group] + placed[group], served.get(group, -1), index, message))
            placed[group] += 1
        else:
            others.append(message)
    return [r[-1] for r in sorted(ranked, key=lambda r: r[:3])] + others


def prioritise(queue_url: str, served: Mapping[str | None, int] | None = None, account_id: str = ACCOUNT_ID,
               region: str = REGION) -> None:
    """Reorder the waiting messages of the queue at `queue_url` (in this process's moto) fairly."""
    queue = sqs_backends[account_id][region].get_queue(queue_url.rstrip("/").rsplit("/", 1)[-1])
    with queue._messages_lock:  # noqa: SLF001 - moto's own lock around its message list
        queue._messages[:] = order(list(queue._messages), served)  # noqa: SLF001
