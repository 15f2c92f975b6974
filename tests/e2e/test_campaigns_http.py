"""Issue 7's must-shows over HTTP against the local runtime: a campaign to delinquent owners lands
once per intended resident with their own name and balance; the report matches; bounces show;
retry-failed requeues; a scheduled campaign fires on time and a cancelled one sends nothing;
the super admin retries any community's failed messages."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Api, LocalRuntime, sign_in, signup_ready, wait_for

pytestmark = pytest.mark.e2e


def _resident(api: Api, token: str, **body: Any) -> dict[str, Any]:
    answer = api.post("/v1/residents", token=token, json={"last_name": "Lee", "role": "owner"} | body)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _setup(api: Api) -> tuple[str, str, dict[str, str]]:
    """A community with delinquent owners (one bouncing), a paid-up owner, a delinquent tenant."""
    token = str(signup_ready(api, f"Campaign {uuid.uuid4().hex[:6]}")["access_token"])
    tag = uuid.uuid4().hex[:6]
    people = {
        "Ada": _resident(api, token, first_name="Ada", email=f"success+ada{tag}@simulator.amazonses.com",
                         balance="120.50"),
        "Ben": _resident(api, token, first_name="Ben", email=f"success+ben{tag}@simulator.amazonses.com",
                         balance="75"),
        "Flo": _resident(api, token, first_name="Flo", email=f"bounce+flo{tag}@simulator.amazonses.com",
                         balance="5"),
        "Cy": _resident(api, token, first_name="Cy", email=f"success+cy{tag}@simulator.amazonses.com",
                        balance="0"),
        "Di": _resident(api, token, first_name="Di", email=f"success+di{tag}@simulator.amazonses.com",
                        balance="10", role="tenant"),
    }
    template = api.post("/v1/templates", token=token, json={
        "name": "Dues", "channel": "email", "category": "marketing", "subject": "Dues reminder for {{first_name}}",
        "html": "<p>Dear {{first_name}}, your balance is {{balance}}.</p>"})
    assert template.status_code == 201, template.text
    return token, str(template.json()["id"]), {name: r["email"] for name, r in people.items()}


def _campaign(api: Api, token: str, template_id: str) -> str:
    answer = api.post("/v1/campaigns", token=token, json={
        "name": "Dues", "channel": "email", "template_id": template_id,
        "audience": {"filter": {"roles": ["owner"], "statuses": ["delinquent"]}}})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _mail_to(api: Api, address: str) -> list[dict[str, Any]]:
    return [m for m in api.get("/_dev/mailbox").json()["items"]
            if address in str(m["to"]) and str(m["subject"]).startswith("Dues reminder")]


def test_campaign_to_delinquent_owners_over_http(api: Api, local_runtime: LocalRuntime) -> None:
    token, template_id, emails = _setup(api)
    campaign_id = _campaign(api, token, template_id)
    preview = api.post(f"/v1/campaigns/{campaign_id}/audience/preview", token=token)
    assert preview.status_code == 200 and preview.json() == {
        "count": 3, "excluded": {"no_address": 0, "suppressed": 0, "opted_out": 0}}, preview.text
    sent = api.post(f"/v1/campaigns/{campaign_id}/send", token=token, json={})
    assert sent.status_code == 202 and sent.json()["status"] == "sending", sent.text

    def settled() -> dict[str, Any] | None:
        report = api.get(f"/v1/campaigns/{campaign_id}/report", token=token).json()
        return report if report["delivered"] == 2 and report["bounced"] == 1 else None

    report = wait_for(settled, timeout_s=30)
    assert report["recipients"] == 3 and report["queued"] == 0 and report["failed"] == 0
    for name, balance in (("Ada", "120.50"), ("Ben", "75.00")):
        (mail,) = _mail_to(api, emails[name])
        assert f"Dear {name}, your balance is {balance}." in mail["text"]
    for name in ("Cy", "Di"):
        assert _mail_to(api, emails[name]) == []
    campaign = api.get(f"/v1/campaigns/{campaign_id}", token=token).json()
    assert campaign["status"] == "sent" and campaign["stats"] == report
    bounced = api.get(f"/v1/campaigns/{campaign_id}/recipients", token=token, params={"status": "bounced"}).json()
    assert [m["to"] for m in bounced["items"]] == ["b***@simulator.amazonses.com"]
    csv = api.get(f"/v1/campaigns/{campaign_id}/recipients.csv", token=token)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv") and "bounced" in csv.text
    # Retry-failed requeues failed messages only: none here (a bounce is not retried, it is suppressed).
    retried = api.post(f"/v1/campaigns/{campaign_id}/retry-failed", token=token, json={})
    assert retried.status_code == 202 and retried.json() == {"requeued": 0}
    today = datetime.now(UTC).date().isoformat()
    comms = api.get("/v1/reports/communications", token=token, params={"from": today, "to": today}).json()
    assert comms["campaigns"][0]["report"] == report

    # Platform support: the super admin sees this community's messages; another community's admin 404s.
    admin = local_runtime.super_admin
    support = sign_in(api, community=None, email=admin["email"], password=admin["password"],
                      totp_secret=admin["totp_secret"])["access_token"]
    community_id = api.get("/v1/me", token=token).json()["community"]["id"]
    listed = api.get(f"/v1/admin/communities/{community_id}/messages", token=support, params={"status": "bounced"})
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    requeued = api.post(f"/v1/admin/communities/{community_id}/messages/retry-failed", token=support, json={})
    assert requeued.status_code == 202 and requeued.json() == {"requeued": 0}
    stranger = str(signup_ready(api)["access_token"])
    assert api.get(f"/v1/campaigns/{campaign_id}/report", token=stranger).status_code == 404
    assert api.get(f"/v1/messages/{bounced['items'][0]['id']}", token=stranger).status_code == 404


def test_scheduled_campaign_fires_on_time_and_a_cancelled_one_sends_nothing(api: Api) -> None:
    token, template_id, emails = _setup(api)
    scheduled, cancelled = _campaign(api, token, template_id), _campaign(api, token, template_id)
    soon = (datetime.now(UTC) + timedelta(seconds=65)).replace(microsecond=0)
    at = soon.isoformat().replace("+00:00", "Z")
    for campaign_id in (scheduled, cancelled):
        answer = api.post(f"/v1/campaigns/{campaign_id}/send", token=token, json={"send_at": at})
        assert answer.status_code == 202 and answer.json()["status"] == "scheduled", answer.text
    assert api.post(f"/v1/campaigns/{cancelled}/cancel", token=token, json={}).json()["status"] == "cancelled"
    assert api.get(f"/v1/campaigns/{scheduled}", token=token).json()["status"] == "scheduled"
    assert _mail_to(api, emails["Ada"]) == []
    done = wait_for(lambda: api.get(f"/v1/campaigns/{scheduled}", token=token).json()["status"] == "sent",
                 timeout_s=120)
    assert done and datetime.now(UTC) >= soon
    assert len(_mail_to(api, emails["Ada"])) == 1  # the scheduled one, once; the cancelled one never
    time.sleep(2)
    cancelled_now = api.get(f"/v1/campaigns/{cancelled}", token=token).json()
    assert cancelled_now["status"] == "cancelled" and cancelled_now["stats"]["recipients"] == 0
