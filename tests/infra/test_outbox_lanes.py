"""The outbox's two lanes in the stack (issue 16): each lane's worker reaches only its own queue, the
fan-out only the bulk lane, system mail and one-off messages only the priority lane, retries both."""

from __future__ import annotations

from typing import Any

import pytest

from infra.function import handler_string
from shared.spec.resources import CAMPAIGNS_QUEUE, OUTBOX_QUEUE, PRIORITY_OUTBOX_QUEUE
from tests.infra.helpers import Synth, as_list, functions_by_handler, parent_value, ref_id, statements_of_role
from tests.infra.test_notifications import queue_ids

pytestmark = pytest.mark.infra


def allowed(synth: Synth, handler: str, action: str) -> list[Any]:
    """The resources `action` is allowed on for the function running `handler`, as parent-stack values."""
    template, _, function = functions_by_handler(synth)[handler_string(handler)]
    role_id = ref_id(function["Properties"]["Role"])
    assert role_id is not None
    return [parent_value(synth, template, r) for s in statements_of_role(template, role_id)
            if s["Effect"] == "Allow" and action in as_list(s["Action"]) for r in as_list(s["Resource"])]


def test_each_lane_worker_backs_off_on_its_own_queue_only(dev: Synth) -> None:
    bulk, _ = queue_ids(dev, OUTBOX_QUEUE)
    priority, _ = queue_ids(dev, PRIORITY_OUTBOX_QUEUE)
    assert allowed(dev, OUTBOX_QUEUE.worker, "sqs:ChangeMessageVisibility") == [{"Fn::GetAtt": [bulk, "Arn"]}]
    assert allowed(dev, PRIORITY_OUTBOX_QUEUE.worker, "sqs:ChangeMessageVisibility") == [
        {"Fn::GetAtt": [priority, "Arn"]}]
    for worker in (OUTBOX_QUEUE.worker, PRIORITY_OUTBOX_QUEUE.worker):
        assert allowed(dev, worker, "sqs:SendMessage") == []
        assert allowed(dev, worker, "ses:SendRawEmail")


@pytest.mark.parametrize(("handler", "lanes"), [
    (CAMPAIGNS_QUEUE.worker, {"bulk"}),  # the fan-out puts chunks on the bulk lane only
    ("functions.api.messages.create", {"priority"}),  # a one-off message has priority
    ("functions.api.auth.signup", {"priority"}),  # the verification mail too
    ("functions.api.messages.retry_failed", {"priority", "bulk"}),  # a campaign's failed messages go back to bulk
])
def test_who_may_put_on_which_lane(dev: Synth, handler: str, lanes: set[str]) -> None:
    bulk, _ = queue_ids(dev, OUTBOX_QUEUE)
    priority, _ = queue_ids(dev, PRIORITY_OUTBOX_QUEUE)
    arns = {"bulk": {"Fn::GetAtt": [bulk, "Arn"]}, "priority": {"Fn::GetAtt": [priority, "Arn"]}}
    sends = allowed(dev, handler, "sqs:SendMessage")
    assert {lane for lane, arn in arns.items() if arn in sends} == lanes


def test_the_priority_lane_hands_records_over_at_once(dev: Synth) -> None:
    priority, _ = queue_ids(dev, PRIORITY_OUTBOX_QUEUE)
    (mapping,) = [m["Properties"] for _, _, m in dev.resources("AWS::Lambda::EventSourceMapping")
                  if ref_id(m["Properties"]["EventSourceArn"]) == priority]
    assert mapping["MaximumBatchingWindowInSeconds"] == 0
    assert OUTBOX_QUEUE.fair and not PRIORITY_OUTBOX_QUEUE.fair
