"""The outbox over its API: queue, deliver, read, retry — through the real handlers on moto."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from functions.workers import deliver_priority as deliver_worker  # one-off messages: the priority lane
from shared.messaging import delivery
from shared.platform import aws
from tests.integration.conftest import signup
from tests.integration.test_delivery import sqs_event
from tests.support.api import FakeContext, call

pytestmark = pytest.mark.integration


def template(token: str, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Balance reminder", "channel": "email", "category": "transactional",
            "subject": "Hello {{first_name}}", "html": "<p>Hi {{first_name}}, you owe {{balance}}.</p>"} | overrides
    answer = call("POST", "/v1/templates", token=token, json_body=body)
    assert answer.status == 201, answer.body
    return answer.body  # type: ignore[no-any-return]


def run_worker(aws_env: dict[str, Any]) -> dict[str, Any]:
    return deliver_worker.handler(sqs_event(aws_env["queues"]["PriorityOutbox"]), FakeContext())  # type: ignore[no-any-return]


def test_queue_deliver_and_read_a_message(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    tpl = template(token)
    queued = call("POST", "/v1/messages", token=token, json_body={
        "channel": "email", "template_id": tpl["id"], "to": "Success@Simulator.AmazonSES.com",
        "variables": {"first_name": "<script>x</script>", "balance": "125.50"}})
    assert queued.status == 202 and queued.body["status"] == "queued", queued.body
    assert run_worker(aws_env) == {"batchItemFailures": []}
    message = call("GET", f"/v1/messages/{queued.body['id']}", token=token).body
    assert message["status"] == "sent" and message["attempts"] == 1
    assert message["to"] == "s***@simulator.amazonses.com" and message["template_version"] == 1
    assert [e["type"] for e in message["events"]] == ["queued", "attempt", "sent"]
    listed = call("GET", "/v1/messages", token=token, query={"status": "sent"}).body
    # The signup's verification mail went through the same outbox; it has no template.
    assert [m["id"] for m in listed["items"] if m["template_id"]] == [queued.body["id"]]
    assert call("GET", "/v1/messages", token=token, query={"status": "failed"}).body["items"] == []
    # An edit makes version 2, and the next message records the version it was rendered from.
    assert call("PATCH", f"/v1/templates/{tpl['id']}", token=token, json_body={"subject": "Hi {{first_name}}"}
                ).body["version"] == 2
    again = call("POST", "/v1/messages", token=token, json_body={
        "channel": "email", "template_id": tpl["id"], "to": "success@simulator.amazonses.com",
        "variables": {"first_name": "Bo", "balance": "1"}})
    assert call("GET", f"/v1/messages/{again.body['id']}", token=token).body["template_version"] == 2


def test_missing_variables_are_named_at_send(aws_env: dict[str, Any]) -> None:
    token = signup()["access_token"]
    tpl = template(token)
    answer = call("POST", "/v1/messages", token=token, json_body={
        "channel": "email", "template_id": tpl["id"], "to": "a@example.com", "variables": {"first_name": "A"}})
    assert answer.status == 422 and answer.body["error"]["code"] == "TEMPLATE_VARIABLES_MISSING"
    assert [d["field"] for d in answer.body["error"]["details"]] == ["balance"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"channel": "email", "to": "not an email"}, "to"),
     ({"channel": "sms", "to": "12345"}, "to"),
     ({"channel": "email"}, "body"),
     ({"channel": "email", "to": "a@example.com", "resident_id": "r1"}, "body")],
    ids=["bad-email", "bad-phone", "no-recipient", "two-recipients"],
)
def test_recipient_validation(aws_env: dict[str, Any], body: dict[str, Any], field: str) -> None:
    token = signup()["access_token"]
    tpl = template(token, channel=body["channel"], subject=None, html=None, text="Hi") if body["channel"] == "sms" \
        else template(token, html="<p>Hi</p>", subject="Hi")
    answer = call("POST", "/v1/messages", token=token, json_body=body | {"template_id": tpl["id"]})
    assert answer.status == 422, answer.body
    assert field in [d["field"] for d in answer.body["error"]["details"]] or field == "body"


def test_failed_message_retry_and_retry_failed(aws_env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    token = signup()["access_token"]
    tpl = template(token, html="<p>Hi</p>", subject="Hi")
    ids = [call("POST", "/v1/messages", token=token,
                json_body={"channel": "email", "template_id": tpl["id"], "to": f"r{i}@example.com"}).body["id"]
           for i in range(3)]

    def reject(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "nope"}}, "SendRawEmail")

    real = aws.client
    monkeypatch.setattr(delivery, "aws", SimpleNamespace(
        client=lambda s: SimpleNamespace(send_raw_email=reject) if s == "ses" else real(s)))
    run_worker(aws_env)
    failed = [m for m in call("GET", "/v1/messages", token=token, query={"status": "failed"}).body["items"]
              if m["template_id"]]  # not the signup's verification mail (rejected too)
    assert sorted(m["id"] for m in failed) == sorted(ids)
    assert all("MessageRejected" in m["last_error"] for m in failed)
    monkeypatch.undo()

    sent = call("POST", f"/v1/messages/{ids[0]}/retry", token=token)
    assert sent.status == 202 and sent.body == {"id": ids[0], "status": "queued"}
    again = call("POST", f"/v1/messages/{ids[0]}/retry", token=token)
    assert again.status == 409 and again.body["error"]["code"] == "CONFLICT"
    call("POST", "/v1/suppressions", token=token,
         json_body={"channel": "email", "address": "r1@example.com", "reason": "manual"})
    blocked = call("POST", f"/v1/messages/{ids[1]}/retry", token=token)
    assert blocked.status == 409 and blocked.body["error"]["code"] == "RECIPIENT_SUPPRESSED"
    bulk = call("POST", "/v1/messages/retry-failed", token=token, json_body={})
    # r2 and the signup verification mail (rejected too); r1 is suppressed, r0 queued already
    assert bulk.status == 202 and bulk.body == {"requeued": 2}
    run_worker(aws_env)
    statuses = {i: call("GET", f"/v1/messages/{i}", token=token).body["status"] for i in ids}
    assert statuses == {ids[0]: "sent", ids[1]: "failed", ids[2]: "sent"}


def test_another_community_gets_404(aws_env: dict[str, Any]) -> None:
    alice = signup("Alpha", "alice@example.com")["access_token"]
    bob = signup("Beta", "bob@example.com")["access_token"]
    tpl = template(alice, html="<p>Hi</p>", subject="Hi")
    mid = call("POST", "/v1/messages", token=alice,
               json_body={"channel": "email", "template_id": tpl["id"], "to": "x@example.com"}).body["id"]
    for method, path in (("GET", f"/v1/messages/{mid}"), ("POST", f"/v1/messages/{mid}/retry")):
        answer = call(method, path, token=bob)
        assert answer.status == 404 and answer.body["error"]["code"] == "NOT_FOUND"
    other_template = call("POST", "/v1/messages", token=bob,
                          json_body={"channel": "email", "template_id": tpl["id"], "to": "x@example.com"})
    assert other_template.status == 404


def test_idempotent_send(aws_env: dict[str, Any]) -> None:
    token = signup()["access_token"]
    tpl = template(token, html="<p>Hi</p>", subject="Hi")
    body = {"channel": "email", "template_id": tpl["id"], "to": "x@example.com"}
    first = call("POST", "/v1/messages", token=token, json_body=body, headers={"Idempotency-Key": "send-1"})
    second = call("POST", "/v1/messages", token=token, json_body=body, headers={"Idempotency-Key": "send-1"})
    assert first.body == second.body
    assert len([m for m in call("GET", "/v1/messages", token=token).body["items"] if m["template_id"]]) == 1
