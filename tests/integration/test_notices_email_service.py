"""A notice served by email (issue 14, wired by issue 16): the tenant's mail carries the notice's PDF as an
attachment, goes out on the priority lane, and is listed with the notice (`related`)."""

from __future__ import annotations

import email
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest

from functions.workers import deliver_priority
from shared.properties import days
from tests.integration.conftest import signup
from tests.integration.test_delivery import sqs_event
from tests.integration.test_notices_api import monday_before
from tests.support.api import FakeContext, call
from tests.support.properties import new_property, new_resident, new_tenancy, new_unit, ok

pytestmark = pytest.mark.integration


def raw_mails() -> list[Message]:
    from moto.backends import get_backend

    backend = get_backend("ses")["123456789012"]["us-east-1"]
    return [email.message_from_string(m.raw_data) for m in backend.sent_messages if hasattr(m, "raw_data")]


def drain_priority(aws_env: dict[str, Any]) -> None:
    for _ in range(10):
        event = sqs_event(aws_env["queues"]["PriorityOutbox"])
        if not event["Records"]:
            return
        deliver_priority.handler(event, FakeContext())


def test_an_n4_served_by_email_mails_its_pdf_to_the_tenant(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    drain_priority(aws_env)  # the signup's own mail
    before = len(raw_mails())
    today = days.today_in("UTC")
    m = monday_before(today - timedelta(days=30))
    unit = new_unit(token, new_property(token)["id"], "101")
    ann = new_resident(token, "Ann", "ann@example.com")
    tenancy = new_tenancy(token, unit["id"], [ann["id"]], (m - timedelta(days=440)).isoformat(),
                          email_service_consent=True)
    ok(call("POST", f"/v1/tenancies/{tenancy['id']}/charges", token=token, json_body={
        "amount": "1500.00", "on": (m - timedelta(days=1)).isoformat(), "category": "rent", "description": "Rent"}),
       201)
    notice = ok(call("POST", "/v1/notices", token=token, json_body={"type": "n4", "tenancy_id": tenancy["id"]}), 201)
    ok(call("POST", f"/v1/notices/{notice['id']}/serve", token=token,
            json_body={"served_on": m.isoformat(), "service_method": "email"}))
    drain_priority(aws_env)

    mails = [mail for mail in raw_mails()[before:] if mail["To"] == "ann@example.com"]
    assert len(mails) == 1
    mail = mails[0]
    assert mail.get_content_type() == "multipart/mixed"
    pdfs = [part for part in mail.walk() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    data = pdfs[0].get_payload(decode=True)
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    assert pdfs[0].get_filename() == f"n4-{notice['id']}.pdf"
    listed = ok(call("GET", "/v1/messages", token=token, query={"related": f"notice:{notice['id']}"}))["items"]
    assert [(x["status"], x["resident_id"]) for x in listed] == [("sent", ann["id"])]


def test_a_notice_served_by_hand_mails_nothing(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    drain_priority(aws_env)
    before = len(raw_mails())
    m = monday_before(days.today_in("UTC") - timedelta(days=30))
    unit = new_unit(token, new_property(token)["id"], "101")
    ann = new_resident(token, "Ann", "ann@example.com")
    tenancy = new_tenancy(token, unit["id"], [ann["id"]], (m - timedelta(days=440)).isoformat(),
                          email_service_consent=True)
    ok(call("POST", f"/v1/tenancies/{tenancy['id']}/charges", token=token, json_body={
        "amount": "1500.00", "on": (m - timedelta(days=1)).isoformat(), "category": "rent", "description": "Rent"}),
       201)
    notice = ok(call("POST", "/v1/notices", token=token, json_body={"type": "n4", "tenancy_id": tenancy["id"]}), 201)
    ok(call("POST", f"/v1/notices/{notice['id']}/serve", token=token,
            json_body={"served_on": m.isoformat(), "service_method": "hand"}))
    drain_priority(aws_env)
    assert [mail for mail in raw_mails()[before:] if mail["To"] == "ann@example.com"] == []


def test_an_attachment_gone_before_the_send_fails_the_mail_with_the_reason(aws_env: dict[str, Any]) -> None:
    import boto3

    from shared.messaging import attachments, system
    from shared.messaging import repository as messages

    admin = signup()
    drain_priority(aws_env)
    cid = admin["community"]["id"]
    kept = attachments.store(cid, "notice-x", "n4-x.pdf", "application/pdf", b"%PDF-1.4 tiny")
    mail = system.SystemMail(kind="test", subject="s", html="<p>h</p>", text="t")
    message_id = system.send(cid, "ann@example.com", mail, {}, attachments=(kept,))
    boto3.client("s3").delete_object(Bucket=aws_env["env"]["ASSETS_BUCKET"], Key=kept.key)
    drain_priority(aws_env)
    stored = messages.get(cid, message_id)
    assert stored is not None and stored.status == "failed"
    assert stored.last_error == "attachment n4-x.pdf is gone"
