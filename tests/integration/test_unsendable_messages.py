"""Issue 17 (parts 2-4): a template or a name that cannot render or go into a header is refused
at the door; one that still reaches the worker ends `failed` with the reason at once (never
retried, never `sending`), logged at ERROR with its ids and counted; nothing cycles for ever."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from pynamodb.attributes import UnicodeAttribute

from functions.jobs import release_stale_sends, requeue_dead_letters
from shared.community import repository as communities
from shared.community.items import CommunityItem
from shared.messaging import chunks, delivery, failures, redrive, repository, stale
from shared.messaging.models import Message, MessageEvent, MessageStatus
from shared.platform import clock, ids, keys
from shared.platform.channels import Category, Channel
from shared.spec.resources import TECHNICAL_FAILURE_METRIC
from shared.templates import repository as templates
from shared.templates.models import Template
from tests.integration.conftest import signup
from tests.integration.test_campaigns import campaign, drain_outbox, run_fanout
from tests.integration.test_residents_api import created
from tests.support.api import Answer, FakeContext, call

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).parents[2] / "events"
TRUNCATE_NEGATIVE = "{{ first_name|truncate(-1) }}"
NESTED_IFS = "{% if first_name %}" * 150 + "Hi" + "{% endif %}" * 150


class Counted:
    """What `failures.record` logged at ERROR and counted."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []
        self.metrics: list[str] = []


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    seen = Counted()
    real_error = failures.logger.error

    def error(msg: str, *args: Any, extra: dict[str, Any] | None = None, **kwargs: Any) -> None:
        seen.errors.append({"message": msg, **(extra or {})})
        real_error(msg, *args, extra=extra, **kwargs)

    monkeypatch.setattr(failures.logger, "error", error)
    monkeypatch.setattr(failures.metrics, "add_metric", lambda name, unit, value: seen.metrics.append(name))
    return seen


def scheduled(name: str) -> dict[str, Any]:
    """A sample EventBridge scheduled event from events/ (what the job's rule delivers)."""
    return json.loads((EVENTS / name).read_text())  # type: ignore[no-any-return]


def field_errors(answer: Answer) -> list[str]:
    return [d["field"] for d in answer.body["error"]["details"]]


def stored_template(community_id: str, **sources: Any) -> Template:
    """A template written straight to the table, as one saved before templates were sample-rendered."""
    now = clock.iso()
    template = Template(id=ids.new_id(), community_id=community_id, name="Legacy", channel=Channel.EMAIL,
                        category=Category.MARKETING, subject="Hello", variables=["first_name"], version=1,
                        created_at=now, updated_at=now, **sources)
    templates.create(template)
    return template


def queued(community_id: str, **fields: Any) -> Message:
    now = clock.iso()
    message = Message(**{"id": ids.new_id(), "community_id": community_id, "channel": Channel.EMAIL,
                         "category": Category.TRANSACTIONAL, "to": "ann@example.com", "status": MessageStatus.QUEUED,
                         "subject": "Water", "text": "Water is off", "created_at": now, "updated_at": now} | fields)
    repository.create(message)
    return message


# --- part 2: refused when saved -------------------------------------------------------------------


@pytest.mark.parametrize(("field", "source"), [
    ("text", TRUNCATE_NEGATIVE),
    ("html", NESTED_IFS),
    ("text", "{{ " + "(" * 400 + "first_name" + ")" * 400 + " }}"),
    ("text", "{{ first_name" + "|trim" * 200 + " }}"),
    ("text", "{{ first_name|truncate(5, true, '...', -3) }}"),
    ("text", "{{ first_name|round }}"),  # first_name is text: this cannot render for anyone
    ("subject", "Hello\u2028{{ first_name }}"),
])
def test_templates_that_cannot_render_are_refused_when_saved(field: str, source: str) -> None:
    token = signup()["access_token"]
    body = {"name": "Bad", "channel": "email", "category": "transactional", "subject": "Hi", "text": "ok",
            field: source}
    answer = call("POST", "/v1/templates", token=token, json_body=body)
    assert answer.status == 422, answer.body
    assert field_errors(answer) == [field]
    good = call("POST", "/v1/templates", token=token, json_body=body | {field: "Hi {{ first_name }}"})
    assert good.status == 201, good.body
    patched = call("PATCH", f"/v1/templates/{good.body['id']}", token=token, json_body={field: source})
    assert patched.status == 422 and field_errors(patched) == [field]


def test_templates_whose_variables_may_be_numbers_are_still_accepted() -> None:
    token = signup()["access_token"]
    body = {"name": "Fee", "channel": "sms", "category": "transactional",
            "text": "Fee {{ fee|round(2) }} for {{ first_name|truncate(20) }}"
                    "{% if balance %} ({{ balance }}){% endif %}"}
    answer = call("POST", "/v1/templates", token=token, json_body=body)
    assert answer.status == 201, answer.body


# --- part 2: failed at once when it still cannot render or be built ---------------------------------


@pytest.mark.parametrize("source", [TRUNCATE_NEGATIVE, NESTED_IFS])
def test_preview_and_send_of_a_stored_template_that_cannot_render_are_422_not_500(source: str) -> None:
    admin = signup()
    token = admin["access_token"]
    legacy = stored_template(admin["community"]["id"], text=source)
    preview = call("POST", f"/v1/templates/{legacy.id}/preview", token=token,
                   json_body={"variables": {"first_name": "Ann"}})
    assert preview.status == 422 and field_errors(preview) == ["text"], preview.body
    sent = call("POST", "/v1/messages", token=token, json_body={
        "channel": "email", "template_id": legacy.id, "to": "ann@example.com", "variables": {"first_name": "Ann"}})
    assert sent.status == 422 and field_errors(sent) == ["text"], sent.body



def test_a_campaign_with_a_template_that_no_longer_renders_ends_failed_not_sending(
    aws_env: dict[str, Any], counted: Counted,
) -> None:
    admin = signup()
    token = admin["access_token"]
    community_id = admin["community"]["id"]
    for name in ("Ada", "Ben"):
        created(token, first_name=name, email=f"{name.lower()}@example.com", balance="10", role="owner")
    legacy = stored_template(community_id, html=f"<p>{TRUNCATE_NEGATIVE}</p>")
    made = campaign(token, {"id": legacy.id})
    assert call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={}).status == 202
    assert run_fanout(aws_env) == {"batchItemFailures": []}
    drain_outbox(aws_env)
    recipients = call("GET", f"/v1/campaigns/{made['id']}/recipients", token=token).body["items"]
    assert len(recipients) == 2 and {r["status"] for r in recipients} == {"failed"}
    assert all("expected length >= 3" in r["last_error"] for r in recipients)
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "failed"
    assert sorted(e["message_id"] for e in counted.errors) == sorted(r["id"] for r in recipients)
    assert {e["community_id"] for e in counted.errors} == {community_id}
    assert counted.metrics == [TECHNICAL_FAILURE_METRIC] * 2
    assert boto3.client("sqs").receive_message(QueueUrl=aws_env["queues"]["Outbox"]).get("Messages", []) == []


def test_a_single_message_with_an_uncompilable_template_fails_with_the_reason(counted: Counted) -> None:
    admin = signup()
    community_id = admin["community"]["id"]
    legacy = stored_template(community_id, text=NESTED_IFS)
    message = queued(community_id, template_id=legacy.id, template_version=1, variables={"first_name": "Ann"},
                     subject=None, text="")
    assert delivery.deliver(community_id, message.id).status == "failed"
    stored = repository.get(community_id, message.id)
    assert stored is not None and stored.status == MessageStatus.FAILED and stored.attempts == 0
    assert "nests more than" in (stored.last_error or "") or "cannot be compiled" in (stored.last_error or "")
    assert [(e["community_id"], e["message_id"]) for e in counted.errors] == [(community_id, message.id)]


def _name_with_a_line_break(community_id: str, attribute: UnicodeAttribute, value: str) -> None:
    """Write a header-breaking name as a community created before the API refused them would hold it."""
    item = CommunityItem(*keys.community(community_id))
    item.update(actions=[attribute.set(value)])


@pytest.mark.parametrize("attribute", ["name", "sender_from_name"])
def test_a_name_that_breaks_the_from_header_fails_the_message_at_once(
    aws_env: dict[str, Any], counted: Counted, attribute: str,
) -> None:
    admin = signup()
    community_id = admin["community"]["id"]
    _name_with_a_line_break(community_id, getattr(CommunityItem, attribute), "Oak\nPark")
    community = communities.get_community(community_id)
    assert community is not None  # it still reads back: only its mail cannot be built
    message = queued(community_id)
    assert delivery.deliver(community_id, message.id).status == "failed"
    stored = repository.get(community_id, message.id)
    assert stored is not None and stored.status == MessageStatus.FAILED
    assert "the email cannot be built" in (stored.last_error or "")
    assert delivery.deliver(community_id, message.id).status == "skipped"  # never retried
    chunk_messages = [queued(community_id), queued(community_id)]
    assert delivery.deliver_chunk(chunks.Chunk(community_id, None, tuple(m.id for m in chunk_messages))) is None
    for sent in chunk_messages:
        again = repository.get(community_id, sent.id)
        assert again is not None and again.status == MessageStatus.FAILED, again
    assert sorted(e["message_id"] for e in counted.errors) == sorted([message.id, *(m.id for m in chunk_messages)])


# --- part 3: header-bound text is clean at the door ---------------------------------------------------


@pytest.mark.parametrize("name", ["Oak\nPark", "Oak\r\nBcc: x@example.com", "Oak\u2028Park", "Oak\u2029Park",
                                  "Oak\x00Park", "Oak\x85Park", "Oak\tPark"])
def test_signup_refuses_a_community_name_with_control_characters(name: str) -> None:
    answer = call("POST", "/v1/auth/signup", json_body={"community_name": name, "email": "ann@example.com",
                                                        "password": "correct horse battery", "full_name": "Ann"})
    assert answer.status == 422 and field_errors(answer) == ["community_name"], answer.body
    assert communities.list_communities(limit=10, after=None)[0] == []  # it cannot exist


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Oak\nPark"}, "name"),
    ({"name": "Oak\u2028Park"}, "name"),
    ({"sender": {"from_name": "Oak Park\r\nBcc: x@example.com"}}, "sender.from_name"),
    ({"sender": {"from_name": "Oak\x1bPark"}}, "sender.from_name"),
])
def test_patch_community_refuses_header_breaking_names(body: dict[str, Any], field: str) -> None:
    admin = signup()
    answer = call("PATCH", "/v1/community", token=admin["access_token"], json_body=body)
    assert answer.status == 422 and field_errors(answer) == [field], answer.body
    community = communities.get_community(admin["community"]["id"])
    assert community is not None and community.name == "Oak Park" and community.sender.from_name is None
    fine = call("PATCH", "/v1/community", token=admin["access_token"],
                json_body={"name": "Oak Park Ünïcode", "sender": {"from_name": "Oak Park — Board"}})
    assert fine.status == 200, fine.body


# --- part 4: nothing cycles for ever ----------------------------------------------------------------


def test_release_stale_sends_gives_up_after_its_rounds(aws_env: dict[str, Any], counted: Counted) -> None:
    admin = signup()
    community_id = admin["community"]["id"]
    old = clock.iso(clock.now() - timedelta(seconds=stale.STALE_AFTER_S + 60))
    history = [MessageEvent(type=stale.STALE_EVENT, at=old) for _ in range(stale.MAX_STALE_ROUNDS - 1)]
    message = queued(community_id, status=MessageStatus.SENDING, updated_at=old, events=history)
    tick = scheduled("scheduled-release-stale-sends.json")
    assert release_stale_sends.handler(tick, FakeContext()) == {"requeued": 1}  # one round is left
    again = repository.get(community_id, message.id)
    assert again is not None and again.status == MessageStatus.QUEUED and stale.rounds(again) == stale.MAX_STALE_ROUNDS
    assert counted.errors == []
    # It sticks again (the worker crashed on it once more): this time it ends failed.
    left = again.model_copy(update={"status": MessageStatus.SENDING, "updated_at": old})
    repository.new_item(left).save()
    assert release_stale_sends.handler(tick, FakeContext()) == {"requeued": 0}
    final = repository.get(community_id, message.id)
    assert final is not None and final.status == MessageStatus.FAILED
    assert f"gave up after {stale.MAX_STALE_ROUNDS} stale-send requeues" in (final.last_error or "")
    assert [(e["message_id"], e["failure"]) for e in counted.errors] == [(message.id, "stale_rounds_exhausted")]
    assert counted.metrics == [TECHNICAL_FAILURE_METRIC]


def _dead_letter(aws_env: dict[str, Any], body: str, rounds: int) -> None:
    attributes = {redrive.ROUNDS_ATTRIBUTE: {"DataType": "Number", "StringValue": str(rounds)}} if rounds else {}
    boto3.client("sqs").send_message(QueueUrl=aws_env["queues"]["OutboxDlq"], MessageBody=body,
                                     MessageAttributes=attributes)


def _dlq_depth(aws_env: dict[str, Any]) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=aws_env["queues"]["OutboxDlq"], AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_the_dead_letter_requeue_counts_rounds_and_gives_up(aws_env: dict[str, Any], counted: Counted) -> None:
    admin = signup()
    community_id = admin["community"]["id"]
    single = queued(community_id)
    chunked = [queued(community_id), queued(community_id)]
    _dead_letter(aws_env, json.dumps({"community_id": community_id, "message_id": single.id}), rounds=1)
    _dead_letter(aws_env, chunks.Chunk(community_id, None, tuple(m.id for m in chunked)).body(),
                 rounds=redrive.MAX_DEAD_LETTER_ROUNDS)
    assert requeue_dead_letters.handler(scheduled("scheduled-requeue-dead-letters.json"), FakeContext()) == {"moved": 1}
    assert _dlq_depth(aws_env) == 0
    received = boto3.client("sqs").receive_message(QueueUrl=aws_env["queues"]["Outbox"], MaxNumberOfMessages=10,
                                                   MessageAttributeNames=["All"])["Messages"]
    (back,) = [m for m in received if json.loads(m["Body"]).get("message_id") == single.id]  # not signup's mail
    assert redrive.rounds(back) == 2  # one more round counted on the record
    for message in chunked:
        stored = repository.get(community_id, message.id)
        assert stored is not None and stored.status == MessageStatus.FAILED
        assert f"gave up after {redrive.MAX_DEAD_LETTER_ROUNDS} dead-letter requeues" in (stored.last_error or "")
    still = repository.get(community_id, single.id)
    assert still is not None and still.status == MessageStatus.QUEUED
    assert sorted(e["message_id"] for e in counted.errors) == sorted(m.id for m in chunked)
    assert {e["failure"] for e in counted.errors} == {"dead_letter_rounds_exhausted"}


def test_a_record_the_queue_dead_letters_keeps_its_round_count(aws_env: dict[str, Any]) -> None:
    """The count rides on the SQS record: the queue's own redrive to the DLQ must not lose it."""
    admin = signup()
    message = queued(admin["community"]["id"])
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=aws_env["queues"]["Outbox"],
                     MessageBody=json.dumps({"community_id": message.community_id, "message_id": message.id}),
                     MessageAttributes={redrive.ROUNDS_ATTRIBUTE: {"DataType": "Number", "StringValue": "2"}})
    for _ in range(10):  # every receive counts; moto redrives past maxReceiveCount
        sqs.receive_message(QueueUrl=aws_env["queues"]["Outbox"], VisibilityTimeout=0, MaxNumberOfMessages=10)
    dead_letters = sqs.receive_message(QueueUrl=aws_env["queues"]["OutboxDlq"], MessageAttributeNames=["All"],
                                       MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    (dead,) = [m for m in dead_letters if json.loads(m["Body"]).get("message_id") == message.id]
    assert redrive.rounds(dead) == 2
