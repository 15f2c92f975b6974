"""Issue 13's tenant side over HTTP against the local runtime: a tenant signed in by magic link reports a gas
smell, the on-call phone gets one SMS and the manager one mail; the tenant never sees an internal comment;
another tenant gets 404; the tenant's photo goes browser → presigned POST → S3 → EventBridge → SQS → the
WorkOrderFiles worker → a thumbnail smaller than the original; a PDF declared as a JPEG is rejected."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from shared.spec.permissions import Role
from tests.e2e.conftest import Api, LocalRuntime, signup_ready, wait_for
from tests.e2e.test_assets_http import _post
from tests.e2e.test_portal_http import _new_link
from tests.e2e.test_work_orders_http import _created, _member, _rental
from tests.support.files import PDF
from tests.support.photos import photo, size_of

pytestmark = pytest.mark.e2e

ON_CALL = "+14165550179"  # this module's own on-call phone: the SMS log is shared by every test


def _portal_token(api: Api, slug: str, email: str) -> str:
    """A tenant's portal session: the magic link from the dev mailbox, verified."""
    signed_in = api.post("/v1/auth/magic-link/verify", json={"token": _new_link(api, slug, email)})
    assert signed_in.status_code == 200 and signed_in.json()["user"]["role"] == "tenant", signed_in.text
    return str(signed_in.json()["access_token"])


def _attachment(api: Api, token: str, order_id: str, attachment_id: str, wanted: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        items = api.get(f"/v1/work-orders/{order_id}/attachments", token=token).json()["items"]
        found = next(a for a in items if a["id"] == attachment_id)
        return found if found["status"] == wanted else None
    return wait_for(find, timeout_s=30)  # type: ignore[no-any-return]


def _upload(api: Api, token: str, order_id: str, data: bytes, **fields: Any) -> dict[str, Any]:
    body = {"filename": "leak.jpg", "content_type": "image/jpeg", "size": len(data)} | fields
    created = _created(api.post(f"/v1/work-orders/{order_id}/attachments", token=token, json=body))
    posted = _post(created["upload"], data)
    assert posted.status_code == 204, posted.text
    return created


def test_a_tenant_reports_a_gas_smell_and_attaches_a_photo(api: Api, local_runtime: LocalRuntime) -> None:
    tag = uuid.uuid4().hex[:6]
    admin = signup_ready(api, f"Tenants {tag}")
    staff, slug = admin["access_token"], admin["community"]["slug"]
    assert api.patch("/v1/community", token=staff, json={"timezone": "America/Toronto", "on_call_phones": [ON_CALL],
                                                         "mfa_required_roles": ["admin"]}).ok
    a, b = _rental(api, staff, "Maple", tag), _rental(api, staff, "Birch", tag)
    manager_id, manager = _member(api, local_runtime, admin, Role.MANAGER)
    assert api.put(f"/v1/users/{manager_id}/properties", token=staff,
                   json={"property_ids": [a["property"]["id"]]}).ok
    manager_email = api.get(f"/v1/users/{manager_id}", token=staff).json()["email"]
    lead_a = next(e for e in a["emails"] if e.startswith("lead."))
    lead_b = next(e for e in b["emails"] if e.startswith("lead."))
    tenant = _portal_token(api, slug, lead_a)
    neighbour = _portal_token(api, slug, lead_b)
    me = api.get("/v1/me", token=tenant).json()
    assert [t["unit_id"] for t in me["tenancies"]] == [a["unit"]["id"]]

    # Triage first: an emergency, and what to do before anything else.
    triaged = api.post("/v1/work-orders/triage", token=tenant,
                       json={"category": "appliance", "answers": {"gas_smell": True}})
    assert triaged.status_code == 200, triaged.text
    assert triaged.json()["severity"] == "emergency" and triaged.json()["self_help"][0].startswith("Leave the unit")

    # The tenant creates their own order: exactly one SMS to the on-call phone, one mail to the manager.
    order = _created(api.post("/v1/work-orders", token=tenant, json={
        "unit_id": a["unit"]["id"], "title": "Gas smell by the stove", "description": "Since this morning",
        "category": "appliance", "answers": {"gas_smell": True}}))
    assert order["priority"] == "emergency" and order["created_by_role"] == "tenant"

    def alerted() -> tuple[list[Any], list[Any]] | None:
        sms = [s for s in api.get("/_dev/sms").json()["items"]
               if s["to"] == ON_CALL and f"#{order['number']}" in s["message"] and "Maple" in s["message"]]
        mails = [m for m in api.get("/_dev/mailbox").json()["items"]
                 if manager_email in str(m["to"]) and str(m["subject"]).startswith("Emergency work order")]
        return (sms, mails) if sms and mails else None

    sms, mails = wait_for(alerted, timeout_s=30)
    time.sleep(2)  # a second SMS or mail would have arrived by now
    assert len(sms) == len(alerted()[0]) == 1 and len(mails) == len(alerted()[1]) == 1  # type: ignore[index]

    # Staff comment internally and publicly: the tenant reads their order and only the public comment.
    comments = f"/v1/work-orders/{order['id']}/comments"
    _created(api.post(comments, token=manager, json={"body": "Utility says meter is old", "internal": True}))
    public = _created(api.post(comments, token=manager, json={"body": "Technician on the way"}))
    assert api.get(f"/v1/work-orders/{order['id']}", token=tenant).status_code == 200
    assert [c["id"] for c in api.get(comments, token=tenant).json()["items"]] == [public["id"]]
    events = api.get(f"/v1/work-orders/{order['id']}/events", token=tenant).json()["items"]
    assert "meter is old" not in str(events) and not any(e["detail"].get("internal") for e in events)
    assert len(api.get(comments, token=manager).json()["items"]) == 2

    # Another tenant: 404 on the order, its comments and its attachments, exactly as a missing one.
    for path in ("", "/comments", "/attachments"):
        refused = api.get(f"/v1/work-orders/{order['id']}{path}", token=neighbour)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "NOT_FOUND", path
    assert api.post(f"/v1/work-orders/{order['id']}/attachments", token=neighbour, json={
        "filename": "x.jpg", "content_type": "image/jpeg", "size": 10}).status_code == 404

    # A real JPEG: uploaded with the presigned form, checked, thumbnailed; both downloads work.
    original = photo(1600, 1200)
    created = _upload(api, tenant, order["id"], original)
    ready = _attachment(api, tenant, order["id"], created["attachment"]["id"], "ready")
    assert ready["has_thumbnail"] is True and ready["kind"] == "image"
    download = f"/v1/work-orders/{order['id']}/attachments/{ready['id']}/download"
    small_link = api.get(download, token=tenant, params={"variant": "thumbnail"})
    assert small_link.status_code == 200, small_link.text
    small = requests.get(small_link.json()["url"], timeout=30)
    assert small.status_code == 200 and small.headers["Content-Type"] == "image/jpeg"
    assert max(size_of(small.content)) <= 320 and len(small.content) < len(original)
    full = requests.get(api.get(download, token=tenant).json()["url"], timeout=30)
    assert full.status_code == 200 and full.content == original
    assert api.get(download, token=manager).status_code == 200  # staff of the property see it too
    assert api.get(download, token=neighbour).status_code == 404
    shown = api.get(f"/v1/work-orders/{order['id']}", token=tenant).json()
    assert [x["id"] for x in shown["attachments"]] == [ready["id"]]

    # A PDF declared as a JPEG: rejected, nothing kept, nothing to download.
    fake = _upload(api, tenant, order["id"], PDF, filename="receipt.jpg")
    rejected = _attachment(api, tenant, order["id"], fake["attachment"]["id"], "rejected")
    assert "application/pdf" in rejected["rejection_reason"]
    listed = local_runtime.aws("s3").list_objects_v2(Bucket=local_runtime.resources["bucket"],
                                                     Prefix=f"communities/{admin['community']['id']}/work-orders/"
                                                            f"{rejected['id']}/")
    assert not listed.get("KeyCount")
    assert api.get(f"/v1/work-orders/{order['id']}/attachments/{rejected['id']}/download",
                   token=tenant).status_code == 409


def test_the_demo_leak_has_a_photo_with_a_thumbnail(api: Api) -> None:
    """`make dev`'s overdue leak carries a photo the runtime's own worker checked and thumbnailed."""
    from shared.demo import rentals as demo
    from tests.e2e.conftest import sign_in

    admin = sign_in(api, community=demo.SLUG, email=demo.ADMIN_EMAIL, password=demo.ADMIN_PASSWORD,
                    totp_secret=demo.ADMIN_TOTP_SECRET)["access_token"]
    (leak,) = [o for o in api.get("/v1/work-orders", token=admin).json()["items"] if o["overdue"]]
    photo_id = api.get(f"/v1/work-orders/{leak['id']}/attachments", token=admin).json()["items"][0]["id"]
    ready = _attachment(api, admin, leak["id"], photo_id, "ready")
    assert ready["filename"] == "bathroom-ceiling.jpg" and ready["has_thumbnail"] is True
    link = api.get(f"/v1/work-orders/{leak['id']}/attachments/{photo_id}/download", token=admin,
                   params={"variant": "thumbnail"})
    assert link.status_code == 200, link.text
    assert max(size_of(requests.get(link.json()["url"], timeout=30).content)) == 320
