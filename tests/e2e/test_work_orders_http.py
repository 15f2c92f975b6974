"""Work-order triage over HTTP against the local runtime: a tenant asks about a gas smell."""

from __future__ import annotations

import uuid

import pytest

from shared.spec.permissions import Role
from tests.e2e.conftest import Api, LocalRuntime, signup_ready
from tests.e2e.test_assets_http import _member_token

pytestmark = pytest.mark.e2e


def test_a_tenant_triages_a_gas_smell_over_http(api: Api, local_runtime: LocalRuntime) -> None:
    admin = signup_ready(api, f"Repairs {uuid.uuid4().hex[:6]}")
    assert api.patch("/v1/community", token=admin["access_token"], json={"timezone": "America/Toronto"}).ok
    tenant = _member_token(api, local_runtime, admin, Role.TENANT)

    answer = api.post("/v1/work-orders/triage", token=tenant,
                      json={"category": "heating", "answers": {"gas_smell": True, "no_heat": True}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["severity"] == "emergency"
    assert [r["rule"] for r in body["rules"]][0] == "gas_smell"
    assert body["self_help"][0].startswith("Leave the unit now")

    bad = api.post("/v1/work-orders/triage", token=tenant, json={"category": "roof", "answers": {}})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "category"
    assert api.post("/v1/work-orders/triage", json={"category": "other", "answers": {}}).status_code == 401
