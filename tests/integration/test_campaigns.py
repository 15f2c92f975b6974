"""Campaigns on moto: lifecycle, audience preview, fan-out in chunks, delivery, report, retries,
scheduling through EventBridge Scheduler, and the super admin's support surface."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pyotp
import pytest

from functions.workers import deliver as deliver_worker
from functions.workers import fanout as fanout_worker
from shared.campaigns import schedules
from shared.identity import service as identity_service
from shared.messaging import chunks, delivery
from shared.messaging import repository as messages
from shared.platform import clock
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_delivery import Provider, rejected, sqs_event
from tests.integration.test_messages_api import template
from tests.integration.test_provider_events import sms_sent
from tests.integration.test_residents_api import created, token_for
from tests.integration.test_tracking import click_path, open_path, request, unsubscribe_path
from tests.support.api import FakeContext, call
from tests.support.queues import audit_events

pytestmark = pytest.mark.integration


def run_fanout(aws_env: dict[str, Any]) -> dict[str, Any]:
    return fanout_worker.handler(sqs_event(aws_env["queues"]["Campaigns"]), FakeContext())  # type: ignore[no-any-return]


def drain_outbox(aws_env: dict[str, Any], rounds: int = 20) -> None:
    for _ in range(rounds):
        event = sqs_event(aws_env["queues"]["Outbox"])
        if not event["Records"]:
            return
        deliver_worker.handler(event, FakeContext())


def super_admin_token() -> str:
    secret = pyotp.random_base32()
    identity_service.create_super_admin("root@porchlight.dev", "platform password 1", totp_secret=secret)
    login = call("POST", "/v1/auth/login",
                 json_body={"email": "root@porchlight.dev", "password": "platform password 1"})
    verified = call("POST", "/v1/auth/mfa/verify",
                    json_body={"mfa_token": login.body["mfa_token"], "code": pyotp.TOTP(secret).at(clock.now())})
    assert verified.status == 200, verified.body
    return str(verified.body["access_token"])


def sent_mail() -> list[email.message.Message]:
    """Every mail moto's SES accepted, parsed."""
    from moto.backends import get_backend

    backend = get_backend("ses")["123456789012"]["us-east-1"]
    return [email.message_from_string(m.raw_data) for m in backend.sent_messages if hasattr(m, "raw_data")]


def body_of(mail: email.message.Message) -> str:
    for part in mail.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_payload(decode=True).decode())
    return ""


@pytest.fixture
def community() -> dict[str, Any]:
    admin = signup()
    token = admin["access_token"]
    owners = [
        created(token, first_name="Ada", email="ada@example.com", balance="120.50", role="owner"),
        created(token, first_name="Ben", email="ben@example.com", balance="75", role="owner"),
        created(token, first_name="Cy", email="cy@example.com", balance="0", role="owner"),  # not delinquent
        created(token, first_name="Di", email="di@example.com", balance="10", role="tenant"),  # a tenant
        created(token, first_name="Ed", balance="40", role="owner", phone="+12025550111"),  # no email
        created(token, first_name="Flo", email="bounce@simulator.amazonses.com", balance="5", role="owner"),
        created(token, first_name="Gus", email="gus@example.com", balance="9", role="owner",
                consent={"email": False, "sms": False}),
    ]
    return {"admin": admin, "token": token, "residents": {r["first_name"]: r for r in owners}}


def campaign(token: str, tpl: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {"name": "Dues", "channel": "email", "template_id": tpl["id"],
            "audience": {"filter": {"roles": ["owner"], "statuses": ["delinquent"]}}} | overrides
    answer = call("POST", "/v1/campaigns", token=token, json_body=body)
    assert answer.status == 201, answer.body
    return answer.body  # type: ignore[no-any-return]


def test_preview_send_deliver_report(community: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = community["token"]
    tpl = template(token, category="marketing", subject="Dues for {{first_name}}",
                   html="<p>{{first_name}}, you owe {{balance}}.</p>")
    made = campaign(token, tpl)
    assert made["status"] == "draft" and made["stats"]["recipients"] == 0
    preview = call("POST", f"/v1/campaigns/{made['id']}/audience/preview", token=token).body
    # Ada, Ben, Flo, Gus are delinquent owners with an address; Ed has none; Gus opted out.
    assert preview == {"count": 3, "excluded": {"no_address": 1, "suppressed": 0, "opted_out": 1}}
    sent = call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    assert sent.status == 202 and sent.body["status"] == "sending", sent.body
    assert run_fanout(aws_env) == {"batchItemFailures": []}
    drain_outbox(aws_env)
    mails = sent_mail()
    by_to = {m["To"]: m for m in mails if m["Subject"].startswith("Dues")}
    assert set(by_to) == {"ada@example.com", "ben@example.com", "bounce@simulator.amazonses.com"}
    assert "Ada, you owe 120.50." in body_of(by_to["ada@example.com"])
    assert "Ben, you owe 75.00." in body_of(by_to["ben@example.com"])
    assert by_to["ada@example.com"]["List-Unsubscribe"]
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert report == {"recipients": 4, "queued": 0, "sent": 3, "delivered": 0, "failed": 0, "bounced": 0,
                      "complained": 0, "suppressed": 1, "opened": 0, "clicked": 0, "unsubscribed": 0}
    done = call("GET", f"/v1/campaigns/{made['id']}", token=token).body
    assert done["status"] == "sent" and done["finished_at"] and done["stats"] == report
    recipients = call("GET", f"/v1/campaigns/{made['id']}/recipients", token=token,
                      query={"status": "suppressed"}).body["items"]
    assert [r["resident_id"] for r in recipients] == [community["residents"]["Gus"]["id"]]
    assert "opted out" in recipients[0]["last_error"]
    csv_answer = call("GET", f"/v1/campaigns/{made['id']}/recipients.csv", token=token)
    assert csv_answer.status == 200 and csv_answer.body.count("\r\n") == 5  # header + 4 recipients
    # The template is released once the campaign is done: it can be edited again.
    assert call("PATCH", f"/v1/templates/{tpl['id']}", token=token, json_body={"name": "x"}).status == 200
    # A done campaign is closed to edits and a second send.
    assert call("PATCH", f"/v1/campaigns/{made['id']}", token=token, json_body={"name": "y"}).status == 409
    assert call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={}).status == 409
    today = clock.iso()[:10]
    comms = call("GET", "/v1/reports/communications", token=token, query={"from": today, "to": today}).body
    assert [c["id"] for c in comms["campaigns"]] == [made["id"]]
    assert comms["campaigns"][0]["report"] == report
    email_totals = next(c["totals"] for c in comms["by_channel"] if c["channel"] == "email")
    assert email_totals["suppressed"] == 1 and email_totals["sent"] >= 3  # + the signup verification mail


def test_resident_edits_after_the_start_do_not_change_the_snapshot(
        community: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = community["token"]
    tpl = template(token)
    made = campaign(token, tpl)
    call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    run_fanout(aws_env)  # snapshot taken
    ada = community["residents"]["Ada"]
    call("PATCH", f"/v1/residents/{ada['id']}", token=token, json_body={"first_name": "Adele", "balance": "0"})
    created(token, first_name="Late", email="late@example.com", balance="99", role="owner")
    drain_outbox(aws_env)
    tos = [m["To"] for m in sent_mail() if m["Subject"].startswith("Hello")]
    assert "late@example.com" not in tos and "ada@example.com" in tos
    ada_mail = next(m for m in sent_mail() if m["To"] == "ada@example.com")
    assert "Hi Ada, you owe 120.50" in body_of(ada_mail)


def test_lifecycle_rules_and_validation(community: dict[str, Any]) -> None:
    token = community["token"]
    tpl = template(token)
    sms_tpl = template(token, channel="sms", text="Hi {{first_name}}", subject=None, html=None)
    for bad in ({"audience": {}}, {"audience": {"segment_id": "x", "filter": {}}}, {"template_id": sms_tpl["id"]},
                {"audience": {"segment_id": "nope"}}, {"audience": {"resident_ids": ["nope"]}}):
        answer = call("POST", "/v1/campaigns", token=token, json_body={
            "name": "x", "channel": "email", "template_id": tpl["id"],
            "audience": {"filter": {"roles": ["owner"]}}} | bad)
        assert answer.status == 422, (bad, answer.body)
    needs_more = template(token, html="<p>{{first_name}}: meeting on {{meeting_date}}</p>")
    made = campaign(token, needs_more)
    missing = call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    assert missing.status == 422 and missing.body["error"]["code"] == "TEMPLATE_VARIABLES_MISSING"
    assert missing.body["error"]["details"][0]["field"] == "variables.meeting_date"
    patched = call("PATCH", f"/v1/campaigns/{made['id']}", token=token,
                   json_body={"variables": {"meeting_date": "May 5"}})
    assert patched.status == 200 and patched.body["variables"] == {"meeting_date": "May 5"}
    past = call("POST", f"/v1/campaigns/{made['id']}/send", token=token,
                json_body={"send_at": "2020-01-01T00:00:00Z"})
    assert past.status == 422
    deleted = call("DELETE", f"/v1/campaigns/{made['id']}", token=token)
    assert deleted.status == 204 and call("GET", f"/v1/campaigns/{made['id']}", token=token).status == 404
    other = signup(name="Elm", email="eve@example.com")["access_token"]
    mine = campaign(token, tpl)
    for method, path in (("GET", ""), ("PATCH", ""), ("POST", "/send"), ("GET", "/report"), ("POST", "/cancel")):
        answer = call(method, f"/v1/campaigns/{mine['id']}{path}", token=other,
                      json_body={"name": "z"} if method == "PATCH" else ({} if method == "POST" else None))
        assert answer.status == 404, (method, path, answer.body)
    board = token_for(community["admin"], Role.BOARD, "bo@example.com")
    assert call("GET", f"/v1/campaigns/{mine['id']}/report", token=board).status == 200
    assert call("POST", f"/v1/campaigns/{mine['id']}/send", token=board, json_body={}).status == 403


def _schedules(aws_env: dict[str, Any]) -> list[dict[str, Any]]:
    scheduler = boto3.client("scheduler")
    group = aws_env["env"]["SCHEDULE_GROUP"]
    return [scheduler.get_schedule(Name=s["Name"], GroupName=group)
            for s in scheduler.list_schedules(GroupName=group)["Schedules"]]


def fire(schedule: dict[str, Any], *, complete: bool = True) -> None:
    """What EventBridge Scheduler does at the schedule's time: send its Input to its SQS target,
    then (ActionAfterCompletion DELETE) delete the schedule."""
    queue_name = schedule["Target"]["Arn"].rsplit(":", 1)[1]
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=queue_name)["QueueUrl"],
                     MessageBody=schedule["Target"]["Input"])
    if complete:
        assert schedule["ActionAfterCompletion"] == "DELETE"
        boto3.client("scheduler").delete_schedule(Name=schedule["Name"], GroupName=schedule["GroupName"])


def test_scheduled_rescheduled_cancelled(community: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = community["token"]
    tpl = template(token)
    made = campaign(token, tpl)
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    answer = call("POST", f"/v1/campaigns/{made['id']}/send", token=token,
                  json_body={"send_at": when.isoformat().replace("+00:00", "Z")})
    assert answer.status == 202 and answer.body["status"] == "scheduled", answer.body
    (first,) = _schedules(aws_env)
    assert first["Name"] == schedules.name_of(made["id"])
    assert first["ScheduleExpression"] == f"at({when.strftime('%Y-%m-%dT%H:%M:%S')})"
    assert first["Target"]["Arn"] == aws_env["env"]["CAMPAIGNS_QUEUE_ARN"]
    # While scheduled, the template is held.
    assert call("PATCH", f"/v1/templates/{tpl['id']}", token=token, json_body={"name": "x"}).status == 409
    later = when + timedelta(hours=1)
    moved = call("PATCH", f"/v1/campaigns/{made['id']}", token=token,
                 json_body={"send_at": later.isoformat().replace("+00:00", "Z")})
    assert moved.status == 200 and moved.body["send_at"].startswith(later.strftime("%Y-%m-%dT%H:%M:%S"))
    (second,) = _schedules(aws_env)
    fire(first, complete=False)  # a stale firing (the old time's token) does nothing
    run_fanout(aws_env)
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "scheduled"
    fire(second)
    run_fanout(aws_env)
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "sending"
    drain_outbox(aws_env)
    assert call("GET", f"/v1/campaigns/{made['id']}", token=token).body["status"] == "sent"

    cancelled = campaign(token, tpl)
    call("POST", f"/v1/campaigns/{cancelled['id']}/send", token=token,
         json_body={"send_at": when.isoformat().replace("+00:00", "Z")})
    (pending,) = _schedules(aws_env)
    answer = call("POST", f"/v1/campaigns/{cancelled['id']}/cancel", token=token, json_body={})
    assert answer.status == 200 and answer.body["status"] == "cancelled"
    assert _schedules(aws_env) == []
    fire(pending, complete=False)  # had it fired anyway
    run_fanout(aws_env)
    assert call("GET", f"/v1/campaigns/{cancelled['id']}", token=token).body["stats"]["recipients"] == 0
    assert call("PATCH", f"/v1/templates/{tpl['id']}", token=token, json_body={"name": "y"}).status == 200
    actions = [e.action for e in audit_events(aws_env)]
    assert {"campaign.scheduled", "campaign.cancelled"} <= set(actions)


def test_chunks_carry_many_recipients(community: dict[str, Any], aws_env: dict[str, Any],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    token = community["token"]
    for i in range(25):
        created(token, first_name=f"R{i}", email=f"r{i}@example.com", balance="1", role="owner")
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 10)
    made = campaign(token, template(token))
    call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    run_fanout(aws_env)
    records = sqs_event(aws_env["queues"]["Outbox"], visibility=0)["Records"]
    bodies = [b for b in (json.loads(r["body"]) for r in records) if b.get("kind") == "chunk"]
    assert len(bodies) == 3 and sorted(len(b["recipients"]) for b in bodies) == [9, 10, 10]  # carried: no read back
    drain_outbox(aws_env)
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert report["recipients"] == 29 and report["queued"] == 0 and report["sent"] == 29  # transactional


def test_failed_recipients_retry_and_super_admin_support(community: dict[str, Any], aws_env: dict[str, Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    token = community["token"]
    drain_outbox(aws_env)  # the signup's verification mail
    provider = Provider()
    monkeypatch.setattr(delivery, "aws", SimpleNamespace(client=provider.client))
    provider.failures = [rejected()]
    made = campaign(token, template(token))
    call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    run_fanout(aws_env)
    drain_outbox(aws_env)
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert report["failed"] == 1 and report["sent"] == 3
    failed = call("GET", "/v1/messages", token=token, query={"status": "failed"}).body["items"]
    assert len(failed) == 1 and failed[0]["campaign_id"] == made["id"] and "MessageRejected" in failed[0]["last_error"]
    cid = community["admin"]["community"]["id"]
    support = super_admin_token()
    listed = call("GET", f"/v1/admin/communities/{cid}/messages", token=support, query={"status": "failed"})
    assert listed.status == 200 and [m["id"] for m in listed.body["items"]] == [failed[0]["id"]]
    other = signup(name="Elm", email="eve@example.com")["access_token"]
    assert call("POST", f"/v1/messages/{failed[0]['id']}/retry", token=other, json_body={}).status == 404
    assert call("GET", f"/v1/admin/communities/{cid}/messages", token=other).status == 403
    assert call("GET", "/v1/admin/communities/nope/messages", token=support).status == 404
    retried = call("POST", f"/v1/admin/communities/{cid}/messages/retry-failed", token=support, json_body={})
    assert retried.status == 202 and retried.body == {"requeued": 1}
    drain_outbox(aws_env)
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert report["failed"] == 0 and report["sent"] == 4
    tos = [m["To"] for m in sent_mail() if m["Subject"].startswith("Hello")]
    assert len(tos) == len(set(tos)) == 4  # every recipient once, the retried one included; nobody twice
    assert "message.retry_failed" in [e.action for e in audit_events(aws_env)]
    assert call("POST", f"/v1/campaigns/{made['id']}/retry-failed", token=token, json_body={}).body == {"requeued": 0}


def test_sample_events_of_the_campaign_workers(community: dict[str, Any], aws_env: dict[str, Any]) -> None:
    """events/sqs-campaign-start.json and events/sqs-outbox-chunk.json, pointed at a real campaign."""
    token, cid = community["token"], community["admin"]["community"]["id"]
    made = campaign(token, template(token))
    when = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={"send_at": when})
    (schedule,) = _schedules(aws_env)
    start = json.loads(Path("events/sqs-campaign-start.json").read_text())
    start["Records"][0]["body"] = schedule["Target"]["Input"]  # what the schedule sends, token included
    assert json.loads(start["Records"][0]["body"])["campaign_id"] == made["id"]
    assert fanout_worker.handler(start, FakeContext()) == {"batchItemFailures": []}
    chunk = json.loads(Path("events/sqs-outbox-chunk.json").read_text())
    queued = sqs_event(aws_env["queues"]["Outbox"], visibility=0)["Records"]
    body = next(json.loads(r["body"]) for r in queued if made["id"] in r["body"])
    ours = [r for r in body["recipients"] if r["variables"]["first_name"] in ("Ada", "Ben")]
    chunk["Records"][0]["body"] = json.dumps(body | {"community_id": cid, "recipients": ours})
    assert deliver_worker.handler(chunk, FakeContext()) == {"batchItemFailures": []}
    tos = {m["To"] for m in sent_mail() if m["Subject"].startswith("Hello")}
    assert tos == {"ada@example.com", "ben@example.com"}


def test_an_sms_campaign_reaches_phones_with_sms_consent(community: dict[str, Any], aws_env: dict[str, Any]) -> None:
    token = community["token"]
    texting = created(token, first_name="Tex", phone="+12025550188", balance="12", role="owner",
                      consent={"email": True, "sms": True})
    tpl = template(token, channel="sms", category="marketing", subject=None, html=None,
                   text="{{first_name}}: {{balance}} due. Reply STOP to opt out.")
    made = campaign(token, tpl, channel="sms")
    preview = call("POST", f"/v1/campaigns/{made['id']}/audience/preview", token=token).body
    # Ed has a phone but no SMS consent (the default); the email-only owners have no phone.
    assert preview == {"count": 1, "excluded": {"no_address": 4, "suppressed": 0, "opted_out": 1}}
    call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    run_fanout(aws_env)
    drain_outbox(aws_env)
    assert sms_sent() == [("+12025550188", "Tex: 12.00 due. Reply STOP to opt out.")]
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert report["recipients"] == 2 and report["sent"] == 1 and report["suppressed"] == 1
    assert texting["id"] in {m["resident_id"] for m in call(
        "GET", f"/v1/campaigns/{made['id']}/recipients", token=token, query={"status": "sent"}).body["items"]}


def test_opens_clicks_and_unsubscribes_count_once_per_recipient(community: dict[str, Any],
                                                                  aws_env: dict[str, Any]) -> None:
    token = community["token"]
    made = campaign(token, template(token, category="marketing"))
    call("POST", f"/v1/campaigns/{made['id']}/send", token=token, json_body={})
    run_fanout(aws_env)
    drain_outbox(aws_env)
    sent = call("GET", f"/v1/campaigns/{made['id']}/recipients", token=token, query={"status": "sent"}).body["items"]
    cid = community["admin"]["community"]["id"]
    first, second = (messages.get(cid, m["id"]) for m in sent[:2])
    assert first is not None and second is not None
    for _ in range(3):  # the same reader, three times
        request("GET", open_path(first))
        request("GET", click_path(first, "https://example.com/pool"))
    request("GET", open_path(second))
    assert request("POST", unsubscribe_path(second, second.to)).status == 200
    report = call("GET", f"/v1/campaigns/{made['id']}/report", token=token).body
    assert (report["opened"], report["clicked"], report["unsubscribed"]) == (2, 1, 1)
    today = clock.iso()[:10]
    comms = call("GET", "/v1/reports/communications", token=token, query={"from": today, "to": today}).body
    assert (comms["totals"]["opened"], comms["totals"]["clicked"], comms["totals"]["unsubscribed"]) == (2, 1, 1)


def test_the_demo_content_is_a_ready_campaign_and_is_seeded_once() -> None:
    from shared.campaigns import demo

    admin = signup(email="dana@example.com")
    cid, token = admin["community"]["id"], admin["access_token"]
    campaign_id = demo.seed(cid, "dana@example.com")
    assert campaign_id is not None and demo.seed(cid, "dana@example.com") is None
    preview = call("POST", f"/v1/campaigns/{campaign_id}/audience/preview", token=token).body
    # Delinquent owners: Ava, Liam, Noah, Omar (+ Mia, who opted out of marketing mail).
    assert preview == {"count": 4, "excluded": {"no_address": 0, "suppressed": 0, "opted_out": 1}}


def test_a_campaign_takes_its_templates_channel_unless_it_names_another(community: dict[str, Any]) -> None:
    token = community["token"]
    sms_tpl = template(token, channel="sms", text="Hi {{first_name}}", subject=None, html=None)
    body = {"name": "SMS notice", "template_id": sms_tpl["id"], "audience": {"filter": {"roles": ["owner"]}}}
    made = call("POST", "/v1/campaigns", token=token, json_body=body)
    assert made.status == 201 and made.body["channel"] == "sms"
    same = call("POST", "/v1/campaigns", token=token, json_body=body | {"channel": "sms"})
    assert same.status == 201 and same.body["channel"] == "sms"
    mismatch = call("POST", "/v1/campaigns", token=token, json_body=body | {"channel": "email"})
    assert mismatch.status == 422 and mismatch.body["error"]["details"][0]["field"] == "template_id"
