"""Issue 12's must-shows over HTTP against the local runtime: residents sign in by magic link or code,
read their own messages only; password reset for staff; the public endpoints never tell who exists."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Api, LocalRuntime, mailbox_token, signup_ready, wait_for

pytestmark = pytest.mark.e2e

_CODE = re.compile(r"asked for it: (\d{6})")


def _address(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@example.com"


def _resident(api: Api, token: str, role: str, email: str, first_name: str) -> str:
    made = api.post("/v1/residents", token=token, json={"first_name": first_name, "last_name": "Portal",
                                                        "role": role, "email": email, "unit": "2A"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _send(api: Api, token: str, template_id: str, resident_id: str) -> str:
    sent = api.post("/v1/messages", token=token, json={"channel": "email", "template_id": template_id,
                                                       "resident_id": resident_id})
    assert sent.status_code == 202, sent.text
    return str(sent.json()["id"])


def _ask(api: Api, slug: str, email: str) -> None:
    answer = api.post("/v1/auth/magic-link", json={"community": slug, "email": email})
    assert answer.status_code == 202 and answer.json() == {"status": "accepted"}, answer.text


def _code(api: Api, to: str) -> str:
    def find() -> str | None:
        for mail in reversed(api.get("/_dev/mailbox").json()["items"]):
            found = _CODE.search(mail["text"] or "")
            if mail["to"] and to in mail["to"] and found:
                return found.group(1)
        return None
    return str(wait_for(find))


def _outcome(api: Api, admin: dict[str, Any], action: str, email_mask: str) -> str:
    """The audited outcome of the account-mail request for a (masked) address: the worker's decision."""
    def find() -> str | None:
        trail = api.get("/v1/audit", token=admin["access_token"], params={"action": action}).json()["items"]
        return next((e["detail"]["outcome"] for e in trail if e["detail"].get("email") == email_mask), None)
    return str(wait_for(find))


def _mails_to(api: Api, to: str) -> list[dict[str, Any]]:
    return [m for m in api.get("/_dev/mailbox").json()["items"] if m["to"] and to in m["to"]]


def _new_link(api: Api, slug: str, email: str) -> str:
    """Ask for a link and wait for its own mail (an earlier test may have mailed this address before)."""
    before = len(_mails_to(api, email))
    _ask(api, slug, email)
    wait_for(lambda: len(_mails_to(api, email)) > before or None)
    return mailbox_token(api, email, "/_dev/portal")


def test_a_tenant_signs_in_by_link_and_reads_only_their_messages(api: Api) -> None:
    admin = signup_ready(api)
    staff, slug = admin["access_token"], admin["community"]["slug"]
    tina, omar = _address("tina"), _address("omar")
    tina_id, omar_id = _resident(api, staff, "tenant", tina, "Tina"), _resident(api, staff, "owner", omar, "Omar")
    template = api.post("/v1/templates", token=staff, json={
        "name": "Notice", "channel": "email", "category": "transactional", "subject": "Hi {{first_name}}",
        "html": "<p>Hello {{first_name}}</p>"}).json()
    first, other, last = (_send(api, staff, template["id"], rid) for rid in (tina_id, omar_id, tina_id))

    _ask(api, slug, tina)
    token = mailbox_token(api, tina, "/_dev/portal")  # the link opens the local portal stand-in
    page = api.get("/_dev/portal", params={"token": token})
    assert page.status_code == 200 and "magic-link/verify" in page.text
    signed_in = api.post("/v1/auth/magic-link/verify", json={"token": token})
    assert signed_in.status_code == 200, signed_in.text
    access = signed_in.json()["access_token"]
    assert signed_in.json()["user"]["role"] == "tenant"

    me = api.get("/v1/me", token=access).json()
    assert me["resident"] == {"id": tina_id, "first_name": "Tina", "last_name": "Portal", "unit": "2A"}
    assert me["tenancies"] == []
    listed = api.get("/v1/messages", token=access).json()["items"]
    assert [m["id"] for m in listed] == [last, first]
    assert api.get(f"/v1/messages/{first}", token=access).status_code == 200
    theirs = api.get(f"/v1/messages/{other}", token=access)
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "NOT_FOUND"
    assert api.get("/v1/residents", token=access).status_code == 403

    reused = api.post("/v1/auth/magic-link/verify", json={"token": token})
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_the_code_path_and_five_wrong_codes(api: Api) -> None:
    admin = signup_ready(api)
    staff, slug = admin["access_token"], admin["community"]["slug"]
    owen, wes = _address("owen"), _address("wes")
    _resident(api, staff, "owner", owen, "Owen")
    _resident(api, staff, "tenant", wes, "Wes")
    _ask(api, slug, owen)
    code = _code(api, owen)
    signed_in = api.post("/v1/auth/magic-link/verify", json={"community": slug, "email": owen, "code": code})
    assert signed_in.status_code == 200 and signed_in.json()["user"]["role"] == "owner", signed_in.text

    _ask(api, slug, wes)
    code = _code(api, wes)
    wrong = {"community": slug, "email": wes, "code": f"{(int(code) + 7) % 1_000_000:06d}"}
    for _ in range(5):
        answer = api.post("/v1/auth/magic-link/verify", json=wrong)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS"
    voided = api.post("/v1/auth/magic-link/verify", json=wrong | {"code": code})
    assert voided.status_code == 401 and voided.json()["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_unknown_and_staff_addresses_get_the_same_202_and_no_mail(api: Api) -> None:
    admin = signup_ready(api)
    staff, slug = admin["access_token"], admin["community"]["slug"]
    _resident(api, staff, "owner", admin["email"], "Ann")  # the admin's own address on a resident record
    nobody = _address("nobody")
    _ask(api, slug, nobody)
    _ask(api, slug, admin["email"])
    local, _, domain = nobody.partition("@")
    assert _outcome(api, admin, "auth.magic_link.requested", f"{local[0]}***@{domain}") == "unknown_address"
    local, _, domain = admin["email"].partition("@")
    assert _outcome(api, admin, "auth.magic_link.requested", f"{local[0]}***@{domain}") == "staff_address"
    assert _mails_to(api, nobody) == []
    assert not [m for m in _mails_to(api, admin["email"]) if "/_dev/portal" in (m["text"] or "")]


def test_password_reset_end_to_end(api: Api) -> None:
    admin = signup_ready(api)
    slug, email = admin["community"]["slug"], admin["email"]
    asked = api.post("/v1/auth/password/forgot", json={"community": slug, "email": email})
    assert asked.status_code == 202, asked.text
    token = mailbox_token(api, email, "/reset-password")
    done = api.post("/v1/auth/password/reset", json={"token": token, "password": "a brand new passphrase"})
    assert done.status_code == 200, done.text

    old_refresh = api.post("/v1/auth/refresh", json={"refresh_token": admin["refresh_token"]})
    assert old_refresh.status_code == 401 and old_refresh.json()["error"]["code"] == "AUTH_TOKEN_INVALID"
    old = api.post("/v1/auth/login", json={"community": slug, "email": email, "password": "correct horse battery"})
    assert old.status_code == 401 and old.json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS"
    new = api.post("/v1/auth/login", json={"community": slug, "email": email, "password": "a brand new passphrase"})
    assert new.status_code == 200 and new.json()["mfa_required"] is True, new.text
    reused = api.post("/v1/auth/password/reset", json={"token": token, "password": "another new passphrase"})
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "AUTH_TOKEN_INVALID"


def test_the_demo_tenant_gets_her_link_in_the_dev_mailbox(api: Api, local_runtime: LocalRuntime) -> None:
    demo = local_runtime.demo
    assert demo.portal_email
    _ask(api, demo.slug, demo.portal_email)
    token = mailbox_token(api, demo.portal_email, "/_dev/portal")
    signed_in = api.post("/v1/auth/magic-link/verify", json={"token": token})
    assert signed_in.status_code == 200, signed_in.text
    listed = api.get("/v1/messages", token=signed_in.json()["access_token"]).json()["items"]
    assert len(listed) == 1 and listed[0]["related"] == {"type": "tenancy", "id": "demo-201B"}


def test_the_rental_demo_tenant_sees_her_tenancy_and_ledger(api: Api) -> None:
    """make dev's Riverside Rentals: the tenant in arrears signs in by magic link (her mail lands in the dev
    mailbox) and sees her own tenancy and its ledger, and nobody else's."""
    from shared.demo import rentals as rental_demo

    rentals = rental_demo.demo()
    token = _new_link(api, rentals.slug, rentals.portal_tenant_email)
    signed_in = api.post("/v1/auth/magic-link/verify", json={"token": token})
    assert signed_in.status_code == 200, signed_in.text
    access = signed_in.json()["access_token"]
    me = api.get("/v1/me", token=access).json()
    assert me["resident"]["first_name"] == "Sofia" and len(me["tenancies"]) == 1
    tenancy_id = me["tenancies"][0]["id"]
    ledger = api.get(f"/v1/tenancies/{tenancy_id}/ledger", token=access)
    assert ledger.status_code == 200 and float(ledger.json()["arrears"]) > 0, ledger.text
    listed = api.get("/v1/tenancies", token=access).json()["items"]
    assert [t["id"] for t in listed] == [tenancy_id]


def test_the_rental_demo_tenant_sees_her_served_n4_and_no_draft(api: Api) -> None:
    """Issue 12/14: a resident sees the served notices of her own tenancies through the same endpoint as
    staff, never a draft, and never another tenant's notice."""
    from shared.demo import rentals as rental_demo
    from tests.e2e.conftest import sign_in

    rentals = rental_demo.demo()
    token = _new_link(api, rentals.slug, rentals.portal_tenant_email)
    access = api.post("/v1/auth/magic-link/verify", json={"token": token}).json()["access_token"]
    mine = api.get("/v1/notices", token=access)
    assert mine.status_code == 200, mine.text
    assert [(n["type"], n["status"]) for n in mine.json()["items"]] == [("n4", "served")]
    staff = sign_in(api, community=rentals.slug, email=rentals.admin_email, password=rentals.admin_password,
                    totp_secret=rentals.admin_totp_secret)["access_token"]
    everything = api.get("/v1/notices", token=staff).json()["items"]
    drafts = [n for n in everything if n["status"] == "draft"]
    assert drafts, "the demo seeds a draft N1"
    assert api.get(f"/v1/notices/{drafts[0]['id']}", token=access).status_code == 404
