"""The foundation's must-shows over HTTP, as the SPA calls the local runtime."""

from __future__ import annotations

import uuid

import pytest

from shared.spec.routes import ROUTES
from tests.e2e.conftest import Api, LocalRuntime, sign_in, signup_ready

pytestmark = pytest.mark.e2e


def _signup(api: Api, name: str) -> dict:  # type: ignore[type-arg]
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    answer = api.post("/v1/auth/signup", json={"community_name": name, "email": email,
                                               "password": "correct horse battery", "full_name": "E2E Admin"})
    assert answer.status_code == 201, answer.text
    return answer.json() | {"email": email}  # type: ignore[no-any-return]


def test_health_and_openapi_list_every_route(api: Api) -> None:
    health = api.get("/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    doc = api.get("/v1/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == {(r.method, r.path) for r in ROUTES}


def test_signup_login_refresh_me(api: Api) -> None:
    created = signup_ready(api, "Harbor View Condos")
    slug = created["community"]["slug"]
    login = api.post("/v1/auth/login", json={"community": slug, "email": created["email"],
                                             "password": "correct horse battery"})
    assert login.status_code == 200 and login.json()["mfa_required"] is True, login.text
    verified = api.post("/v1/auth/mfa/verify", json={"mfa_token": login.json()["mfa_token"],
                                                     "backup_code": created["backup_codes"][0]})
    assert verified.status_code == 200, verified.text
    refreshed = api.post("/v1/auth/refresh", json={"refresh_token": verified.json()["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    me = api.get("/v1/me", token=refreshed.json()["access_token"])
    assert me.status_code == 200
    assert me.json()["community"]["slug"] == slug and me.json()["user"]["email"] == created["email"]


def test_the_printed_demo_sign_in_works(api: Api, local_runtime: LocalRuntime) -> None:
    demo = local_runtime.demo
    login = api.post("/v1/auth/login", json={"community": demo.slug, "email": demo.admin_email,
                                             "password": demo.admin_password})
    assert login.status_code == 200 and login.json()["mfa_required"] is True, login.text
    admin = local_runtime.super_admin
    superadmin = sign_in(api, community=None, email=admin["email"], password=admin["password"],
                         totp_secret=admin["totp_secret"])
    assert superadmin["user"]["role"] == "super_admin"
    communities = api.get("/v1/admin/communities", token=superadmin["access_token"])
    assert communities.status_code == 200 and demo.slug in {c["slug"] for c in communities.json()["items"]}


def test_reused_refresh_token_kills_the_family(api: Api) -> None:
    first = _signup(api, "Reuse Row")
    second = api.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    reused = api.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "AUTH_TOKEN_REUSED"
    dead = api.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert dead.status_code == 401 and dead.json()["error"]["code"] == "AUTH_TOKEN_INVALID"
    assert api.get("/v1/me", token=second["access_token"]).status_code == 401


def test_community_a_gets_404_for_community_b(api: Api) -> None:
    alice, bob = signup_ready(api, "Alpha Court"), signup_ready(api, "Beta Court")
    bob_session = api.get("/v1/auth/sessions", token=bob["access_token"]).json()["items"][0]["id"]
    answer = api.delete(f"/v1/auth/sessions/{bob_session}", token=alice["access_token"])
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "NOT_FOUND"
    assert api.get("/v1/me", token=bob["access_token"]).status_code == 200


@pytest.mark.parametrize(
    "raw",
    ['{"community_name": ', '"just a string"', '{"community_name": 5, "email": [], "password": {}, "full_name": null}',
     '{"community_name": "X Y Z", "email": "a@example.com", "password": "long enough pw", "full_name": "A", "x": 1}'],
    ids=["malformed", "not-an-object", "wrong-types", "unknown-field"],
)
def test_bad_input_is_4xx_with_the_contract_body(api: Api, raw: str) -> None:
    answer = api.post("/v1/auth/signup", data=raw, headers={"content-type": "application/json"})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION_FAILED" and error["details"]


def test_idempotent_signup_over_http(api: Api) -> None:
    body = {"community_name": "Idem Place", "email": "idem@example.com", "password": "correct horse battery",
            "full_name": "I"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.post("/v1/auth/signup", json=body, headers=key)
    again = api.post("/v1/auth/signup", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["community"]["id"] == again.json()["community"]["id"]
    other = api.post("/v1/auth/signup", json=body | {"full_name": "J"}, headers=key)
    assert other.status_code == 409 and other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
