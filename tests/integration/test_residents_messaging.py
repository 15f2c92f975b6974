"""Residents meet templates and the outbox: preview with a resident, send to a resident, consent at
delivery, and the owner/tenant "own messages" link."""

from __future__ import annotations

from typing import Any

import pytest

from shared.community import repository as communities
from shared.identity import service as identity_service
from shared.platform.channels import Channel
from shared.platform.context import RequestMeta
from shared.residents import repository as resident_records
from shared.residents import service as residents
from shared.spec.permissions import Role
from tests.integration.conftest import signup
from tests.integration.test_messages_api import run_worker, template
from tests.integration.test_residents_api import created, token_for
from tests.support.api import call
from tests.support.portal import add_resident_user

pytestmark = pytest.mark.integration


def test_template_preview_with_a_resident() -> None:
    admin = signup()
    token = admin["access_token"]
    tpl = template(token, subject="Hello {{full_name}}",
                   html="<p>{{first_name}} {{last_name}} of {{unit}} ({{email}}) owes {{balance}}</p>")
    rid = created(token, first_name="Wendy", last_name="<Ng>", email="wendy@example.com", unit="4B",
                  balance="120")["id"]
    answer = call("POST", f"/v1/templates/{tpl['id']}/preview", token=token, json_body={"resident_id": rid})
    assert answer.status == 200, answer.body
    assert answer.body["subject"] == "Hello Wendy <Ng>"
    assert answer.body["html"] == "<p>Wendy &lt;Ng&gt; of 4B (wendy@example.com) owes 120.00</p>"
    other = signup(name="Elm", email="eve@example.com")["access_token"]
    other_tpl = template(other)
    missing = call("POST", f"/v1/templates/{other_tpl['id']}/preview", token=other, json_body={"resident_id": rid})
    assert missing.status == 404 and missing.body["error"]["message"] == "No such resident."


def test_send_to_a_resident_and_consent_at_delivery(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    marketing = template(token, category="marketing")
    transactional = template(token)
    rid = created(token, first_name="Rae", email="Rae@Example.com", phone="+12025550143", balance="5")["id"]

    def send(tpl: dict[str, Any]) -> str:
        queued = call("POST", "/v1/messages", token=token,
                      json_body={"channel": "email", "template_id": tpl["id"], "resident_id": rid})
        assert queued.status == 202, queued.body
        return str(queued.body["id"])

    first = send(marketing)
    run_worker(aws_env)
    sent = call("GET", f"/v1/messages/{first}", token=token).body
    assert sent["status"] == "sent" and sent["to"] == "r***@example.com" and sent["resident_id"] == rid
    call("PATCH", f"/v1/residents/{rid}", token=token, json_body={"consent": {"email": False}})
    opted_out, receipt = send(marketing), send(transactional)
    run_worker(aws_env)
    suppressed = call("GET", f"/v1/messages/{opted_out}", token=token).body
    assert suppressed["status"] == "suppressed" and "opted out" in suppressed["last_error"]
    assert call("GET", f"/v1/messages/{receipt}", token=token).body["status"] == "sent"  # transactional ignores it
    no_phone = created(token, first_name="Nop", email="nop@example.com")["id"]
    sms = template(token, channel="sms", subject=None, html=None, text="Hi {{first_name}}")
    answer = call("POST", "/v1/messages", token=token,
                  json_body={"channel": "sms", "template_id": sms["id"], "resident_id": no_phone})
    assert answer.status == 422 and answer.body["error"]["details"][0]["field"] == "resident_id"
    unknown = call("POST", "/v1/messages", token=token,
                   json_body={"channel": "email", "template_id": marketing["id"], "resident_id": "01NOPE"})
    assert unknown.status == 404


def test_an_owner_reads_messages_sent_to_their_resident_record(aws_env: dict[str, Any]) -> None:
    admin = signup()
    token = admin["access_token"]
    tpl = template(token)
    mine = created(token, first_name="Oli", email="oli@example.com")["id"]
    theirs = created(token, first_name="Pat", email="pat@example.com")["id"]
    ids = []
    for rid in (mine, theirs):
        answer = call("POST", "/v1/messages", token=token, json_body={
            "channel": "email", "template_id": tpl["id"], "resident_id": rid, "variables": {"balance": "1"}})
        ids.append(answer.body["id"])
    # Issue 12: "own" is the portal user's link to the record by id, not a match of email addresses.
    community_id = admin["community"]["id"]
    record = resident_records.get(community_id, mine)
    assert record is not None
    portal_user = add_resident_user(community_id, Role.OWNER, record)
    owner = identity_service.start_session(portal_user, None, RequestMeta()).access_token
    assert call("GET", f"/v1/messages/{ids[0]}", token=owner).status == 200
    assert call("GET", f"/v1/messages/{ids[1]}", token=owner).status == 404
    listed = call("GET", "/v1/messages", token=owner).body["items"]
    assert [m["id"] for m in listed] == [ids[0]]
    same_address = token_for(admin, Role.OWNER, "oli@example.com")  # an owner account with no portal link
    assert call("GET", f"/v1/messages/{ids[0]}", token=same_address).status == 404
    assert call("GET", "/v1/messages", token=same_address).body["items"] == []
    assert residents.resident_id_for_email(admin["community"]["id"], "OLI@example.com") == mine
    assert residents.opted_out(admin["community"]["id"], mine, Channel.SMS)  # sms consent defaults to false
    assert communities.get_community(admin["community"]["id"]) is not None
